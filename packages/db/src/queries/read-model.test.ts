import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parsePlanObject } from "@taskloom/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteTaskloomDatabase, type SqliteTaskloomDatabase } from "../open-database.ts";

let dir: string;
let database: SqliteTaskloomDatabase;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-reads-"));
  database = openSqliteTaskloomDatabase({ url: `file:${path.join(dir, "t.db")}`, cwd: dir });
});
afterEach(async () => {
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A run whose only task succeeded with `output`. */
async function finishedRun(slug: string, output: string, now: number): Promise<string> {
  const { store } = database;
  await store.importPlan(parsePlanObject({ plan: slug, tasks: { "build-step": { kind: "noop" } } }), {
    baseDir: null,
    now,
  });
  const { runId } = await store.createRun({ planSlug: slug, trigger: "api", params: {}, now });
  const [claimed] = await store.claimTaskRuns({ workerId: "w", limit: 1, leaseMs: 1000, now });
  if (!claimed) throw new Error("nothing claimed");
  await store.completeTaskRuns(
    [
      {
        taskRunId: claimed.id,
        attempt: claimed.attempt,
        workerId: "w",
        outcome: { status: "succeeded", exitCode: null, outputText: output, outputJson: null },
      },
    ],
    now,
  );
  return runId;
}

describe("the read model", () => {
  it("searches task keys and outputs ignoring case", async () => {
    const quarterly = await finishedRun("sales", "Revenue grew in Q3", 1_000);
    await finishedRun("other", "nothing to see", 2_000);
    const { queries } = database;
    for (const search of ["revenue", "REVENUE", "q3"]) {
      expect((await queries.searchRuns({ search })).items.map((r) => r.id)).toEqual([quarterly]);
    }
    expect((await queries.searchRuns({ search: "BUILD-Step" })).items).toHaveLength(2);
  });

  it("pages newest first with a cursor, and refuses cursors and times it never handed out", async () => {
    const first = await finishedRun("a", "x", 1_000);
    const second = await finishedRun("b", "y", 2_000);
    const { queries } = database;
    const page1 = await queries.searchRuns({ limit: 1 });
    expect(page1.items.map((r) => r.id)).toEqual([second]);
    const page2 = await queries.searchRuns({ limit: 1, cursor: page1.nextCursor ?? "" });
    expect(page2).toMatchObject({ items: [{ id: first }], nextCursor: null });
    for (const cursor of ["1e300:x", "abc", "99999999999999999:x", ":x", "12:"]) {
      await expect(queries.searchRuns({ cursor })).rejects.toMatchObject({ code: "BAD_INPUT" });
    }
    for (const bound of [1e300, -1e300, Number.NaN, 1.5]) {
      await expect(queries.searchRuns({ from: bound })).rejects.toMatchObject({ code: "BAD_INPUT" });
      await expect(queries.searchRuns({ to: bound })).rejects.toMatchObject({ code: "BAD_INPUT" });
    }
    expect((await queries.searchRuns({ from: 1_500, to: 8.64e15 })).items.map((r) => r.id)).toEqual([second]);
  });

  it("resolves a run by a unique prefix and names an ambiguous one", async () => {
    const runId = await finishedRun("a", "x", 1_000);
    await finishedRun("b", "y", 1_000);
    const { queries } = database;
    expect(await queries.resolveRunId(runId.slice(0, -2))).toBe(runId);
    await expect(queries.resolveRunId("run_")).rejects.toThrow(/ambiguous/);
    expect(await queries.planOfRun(runId)).toBe("a");
    expect(await queries.planOfRun("run_unknown")).toBeNull();
  });

  it("shows each attempt's definition and what a retry would run", async () => {
    const { store, queries } = database;
    const plan = (run: string) =>
      parsePlanObject({ plan: "fix", tasks: { a: { run }, b: { run: "true", requires: ["a"] } } });
    const attempt = async (now: number, ok: boolean) => {
      const [claimed] = await store.claimTaskRuns({ workerId: "w", limit: 1, leaseMs: 1000, now });
      if (!claimed) throw new Error("nothing claimed");
      const outcome = ok
        ? { status: "succeeded" as const, exitCode: 0, outputText: "", outputJson: null }
        : {
            status: "failed" as const,
            exitCode: 3,
            error: "exit 3",
            reason: "exit_code" as const,
            retryAt: null,
          };
      await store.completeTaskRuns(
        [{ taskRunId: claimed.id, attempt: claimed.attempt, workerId: "w", outcome }],
        now,
      );
    };
    await store.importPlan(plan("exit 3"), { baseDir: null, now: 1 });
    const { runId } = await store.createRun({ planSlug: "fix", trigger: "api", params: {}, now: 1 });
    await attempt(2, false);
    expect(await queries.definitionChange(runId, "a")).toMatchObject({
      changed: false,
      ranVersion: 1,
      latestVersion: 1,
    });
    await store.importPlan(plan("echo fixed"), { baseDir: null, now: 3 });
    expect(await queries.definitionChange(runId, "a")).toMatchObject({
      changed: true,
      ranVersion: 1,
      latestVersion: 2,
      ran: { spec: { run: "exit 3" } },
      current: { spec: { run: "echo fixed" } },
    });
    await store.retryTaskRun(runId, "a", 4);
    await attempt(5, true);
    const run = await queries.getRun(runId);
    const a = run.tasks.find((task) => task.key === "a");
    expect(a).toMatchObject({
      status: "succeeded",
      definitionVersion: 2,
      definition: { spec: { run: "echo fixed" } },
    });
    expect(a?.attemptHistory.map((x) => [x.status, x.definitionVersion, x.definition?.spec])).toEqual([
      ["failed", 1, expect.objectContaining({ run: "exit 3" })],
      ["succeeded", 2, undefined],
    ]);
    expect(run.tasks.find((task) => task.key === "b")).toMatchObject({
      definitionVersion: 1,
      definition: null,
    });
    expect((await queries.definitionChange(runId, "a")).changed).toBe(false);
  });

  it("puts a plan's last runs against its tasks, oldest first, with each task run's status and duration", async () => {
    const { store, queries } = database;
    const plan = (tasks: Record<string, unknown>) => parsePlanObject({ plan: "grid", tasks });
    const finishAll = async (now: number, fail: string | null) => {
      for (const claimed of await store.claimTaskRuns({ workerId: "w", limit: 10, leaseMs: 1000, now })) {
        const outcome =
          claimed.taskKey === fail
            ? {
                status: "failed" as const,
                exitCode: 1,
                error: "x",
                reason: "exit_code" as const,
                retryAt: null,
              }
            : { status: "succeeded" as const, exitCode: 0, outputText: "", outputJson: null };
        await store.completeTaskRuns(
          [{ taskRunId: claimed.id, attempt: claimed.attempt, workerId: "w", outcome }],
          now + 40,
        );
      }
    };
    await store.importPlan(plan({ old: { kind: "noop" }, a: { kind: "noop" } }), { baseDir: null, now: 1 });
    const first = await store.createRun({ planSlug: "grid", trigger: "api", params: {}, now: 10 });
    await finishAll(10, "old");
    await store.importPlan(plan({ a: { kind: "noop" }, b: { kind: "noop", requires: ["a"] } }), {
      baseDir: null,
      now: 20,
    });
    const second = await store.createRun({ planSlug: "grid", trigger: "api", params: {}, now: 30 });
    await finishAll(30, null);
    await finishAll(100, null);

    const grid = await queries.runGrid("grid");
    expect(grid.runs.map((run) => [run.id, run.status, run.planVersion])).toEqual([
      [first.runId, "failed", 1],
      [second.runId, "succeeded", 2],
    ]);
    expect(grid.tasks).toEqual(["a", "b", "old"]);
    expect(grid.cells.old?.[first.runId]).toEqual({ status: "failed", attempts: 1, durationMs: 40 });
    expect(grid.cells.b?.[first.runId]).toBeUndefined();
    expect(grid.cells.b?.[second.runId]).toMatchObject({ status: "succeeded", durationMs: 40 });
    expect((await queries.runGrid("grid", 1)).runs.map((run) => run.id)).toEqual([second.runId]);
    await expect(queries.runGrid("nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("searches a task's log ignoring case, a page at a time", async () => {
    const { store, queries } = database;
    await store.importPlan(parsePlanObject({ plan: "logs", tasks: { talk: { kind: "noop" } } }), {
      baseDir: null,
      now: 1,
    });
    const { runId } = await store.createRun({ planSlug: "logs", trigger: "api", params: {}, now: 1 });
    const [claimed] = await store.claimTaskRuns({ workerId: "w", limit: 1, leaseMs: 1000, now: 1 });
    if (!claimed) throw new Error("nothing claimed");
    const lines = ["Error: one\n", "fine\n", "another ERROR\n", "error three\n"];
    await store.appendLogs(
      lines.map((text, index) => ({
        taskRunId: claimed.id,
        attempt: 1,
        stream: "stdout" as const,
        text,
        at: 2 + index,
      })),
    );
    const first = await queries.searchLog({ runId, taskKey: "talk", query: "error", limit: 2 });
    expect(first.chunks.map((c) => c.text)).toEqual(["Error: one\n", "another ERROR\n"]);
    const second = await queries.searchLog({
      runId,
      taskKey: "talk",
      query: "error",
      afterSeq: first.nextSeq ?? 0,
    });
    expect(second).toMatchObject({ chunks: [{ text: "error three\n" }], nextSeq: null });
    await expect(queries.searchLog({ runId, taskKey: "nope", query: "x" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
