import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type AttemptOutcome, parsePlanObject } from "@taskloom/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteTaskloomDatabase, type SqliteTaskloomDatabase } from "../open-database.ts";

let dir: string;
let database: SqliteTaskloomDatabase;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-store-"));
  database = openSqliteTaskloomDatabase({ url: `file:${path.join(dir, "t.db")}`, cwd: dir });
});
afterEach(async () => {
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const LEASE = 1_000;
const ok: AttemptOutcome = { status: "succeeded", exitCode: 0, outputText: "done", outputJson: null };

async function startRun(tasks: Record<string, unknown>) {
  const definition = parsePlanObject({ plan: "p", tasks });
  await database.store.importPlan(definition, { baseDir: dir, now: 0 });
  return (await database.store.createRun({ planSlug: "p", trigger: "api", params: {}, now: 0 })).runId;
}

const claim = (workerId: string, now: number, limit = 10) =>
  database.store.claimTaskRuns({ workerId, limit, leaseMs: LEASE, now });

describe("SQLite store hot path", () => {
  it("claims ready rows by priority, then plan order, and only the ready ones", async () => {
    await startRun({
      a: { kind: "noop" },
      b: { kind: "noop", priority: 3 },
      c: { kind: "noop", requires: ["a"] },
      d: { kind: "noop" },
    });
    const claimed = await claim("w1", 1);
    expect(claimed.map((t) => t.taskKey)).toEqual(["b", "a", "d"]);
    expect(claimed.every((t) => t.attempt === 1 && t.leaseExpiresAt === 1 + LEASE)).toBe(true);
    expect(await claim("w2", 2)).toEqual([]);
  });

  it("releases a dependent only when its last upstream succeeds, passing outputs along", async () => {
    await startRun({ a: { kind: "noop" }, b: { kind: "noop" }, c: { kind: "noop", requires: ["a", "b"] } });
    const [a, b] = await claim("w", 1);
    await database.store.completeTaskRuns(
      [{ taskRunId: a?.id ?? 0, attempt: 1, workerId: "w", outcome: ok }],
      2,
    );
    expect(await claim("w", 3)).toEqual([]);
    await database.store.completeTaskRuns(
      [{ taskRunId: b?.id ?? 0, attempt: 1, workerId: "w", outcome: ok }],
      4,
    );
    const [c] = await claim("w", 5);
    expect(c?.taskKey).toBe("c");
    expect(c?.upstream).toEqual({ a: { output: "done", json: null }, b: { output: "done", json: null } });
  });

  it("records exactly one completion: a worker whose lease was taken back records nothing", async () => {
    const runId = await startRun({ a: { kind: "noop", retries: { max: 1 } } });
    const [first] = await claim("w1", 0);
    expect(await database.store.reclaimExpiredLeases(LEASE + 1)).toBe(1);
    const [second] = await claim("w2", LEASE + 2);
    expect(second?.attempt).toBe(2);
    const stale = await database.store.completeTaskRuns(
      [{ taskRunId: first?.id ?? 0, attempt: 1, workerId: "w1", outcome: ok }],
      LEASE + 3,
    );
    expect(stale).toMatchObject({ recorded: [], stale: [first?.id] });
    const fresh = await database.store.completeTaskRuns(
      [{ taskRunId: second?.id ?? 0, attempt: 2, workerId: "w2", outcome: ok }],
      LEASE + 4,
    );
    expect(fresh.finishedRuns).toEqual([{ runId, status: "succeeded" }]);
  });

  it("fails a task whose lease expires on its last attempt, blocking its dependents", async () => {
    const runId = await startRun({ a: { kind: "noop" }, b: { kind: "noop", requires: ["a"] } });
    await claim("w1", 0);
    await database.store.reclaimExpiredLeases(LEASE + 1);
    expect(await database.store.getRunStatus(runId)).toBe("failed");
    const run = await database.queries.getRun(runId);
    expect(run.tasks.map((t) => [t.status, t.reason])).toEqual([
      ["failed", "lease_expired"],
      ["blocked", "upstream_failed"],
    ]);
  });

  it("extends held leases on heartbeat and reports the ones that were lost", async () => {
    await startRun({ a: { kind: "noop", retries: { max: 1 } }, b: { kind: "noop" } });
    const [a, b] = await claim("w1", 0);
    await database.store.reclaimExpiredLeases(LEASE + 1, { deadWorkerIds: [] });
    // Both expired; give b back to w1 by claiming again, a stays lost to the other worker.
    const lost = await database.store.heartbeat("w1", [a?.id ?? 0, b?.id ?? 0], LEASE, LEASE + 2);
    expect(lost.sort()).toEqual([a?.id, b?.id].sort());
    const [again] = await claim("w1", LEASE + 3);
    expect(await database.store.heartbeat("w1", [again?.id ?? 0], LEASE, LEASE + 4)).toEqual([]);
  });

  it("runs a join task after an operator retry even when its other upstream finished while it was blocked", async () => {
    const runId = await startRun({
      a: { kind: "noop" },
      b: { kind: "noop" },
      d: { kind: "noop", requires: ["a", "b"] },
    });
    const [a, b] = await claim("w", 1);
    const failed: AttemptOutcome = {
      status: "failed",
      exitCode: 1,
      error: "boom",
      reason: "exit_code",
      retryAt: null,
    };
    await database.store.completeTaskRuns(
      [{ taskRunId: b?.id ?? 0, attempt: 1, workerId: "w", outcome: failed }],
      2,
    );
    await database.store.completeTaskRuns(
      [{ taskRunId: a?.id ?? 0, attempt: 1, workerId: "w", outcome: ok }],
      3,
    );
    expect(await database.store.getRunStatus(runId)).toBe("failed");
    await database.store.retryTaskRun(runId, "b", 4);
    const [retried] = await claim("w", 5);
    await database.store.completeTaskRuns(
      [{ taskRunId: retried?.id ?? 0, attempt: 2, workerId: "w", outcome: ok }],
      6,
    );
    const [d] = await claim("w", 7);
    expect(d?.taskKey).toBe("d");
    await database.store.completeTaskRuns(
      [{ taskRunId: d?.id ?? 0, attempt: 1, workerId: "w", outcome: ok }],
      8,
    );
    expect(await database.store.getRunStatus(runId)).toBe("succeeded");
  });

  it("releases unfinished claims on shutdown without counting the attempt", async () => {
    await startRun({ a: { kind: "noop" } });
    const [a] = await claim("w1", 0);
    await database.store.releaseTaskRuns("w1", [a?.id ?? 0], 1);
    const [again] = await claim("w2", 2);
    expect(again?.attempt).toBe(1);
  });

  it("writes one event per transition, in the same transaction as the change", async () => {
    const runId = await startRun({ a: { kind: "noop" } });
    const [a] = await claim("w", 1);
    await database.store.completeTaskRuns(
      [{ taskRunId: a?.id ?? 0, attempt: 1, workerId: "w", outcome: ok }],
      2,
    );
    const events = await database.store.readEvents({ afterId: 0, runId, limit: 100 });
    expect(events.map((e) => `${e.type}:${e.fromStatus ?? ""}>${e.toStatus ?? ""}`)).toEqual([
      "run.created:>queued",
      "task_run.status:ready>running",
      "run.status:queued>running",
      "task_run.status:running>succeeded",
      "run.status:running>succeeded",
    ]);
  });
});
