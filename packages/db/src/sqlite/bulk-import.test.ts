import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parsePlanObject } from "@taskloom/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteTaskloomDatabase, type SqliteTaskloomDatabase } from "../open-database.ts";

let dir: string;
let database: SqliteTaskloomDatabase;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-bulk-"));
  database = openSqliteTaskloomDatabase({ url: `file:${path.join(dir, "t.db")}`, cwd: dir });
});
afterEach(async () => {
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Not a multiple of the rows per statement, so the last partial chunk is exercised too.
const TASKS = 5_003;

/** Task i requires task ⌊i/2⌋ (a tree) and every tenth task refers to t1; keys in file order. */
function bigPlan(tasks: number, extra: Record<string, unknown> = {}) {
  const entries: [string, unknown][] = [["t1", { kind: "noop" }]];
  for (let i = 2; i <= tasks; i++) {
    entries.push([
      `t${i}`,
      {
        kind: "noop",
        requires: [`t${i >> 1}`],
        ...(i % 10 === 0 ? { refers: ["t1"] } : {}),
        priority: i % 3,
      },
    ]);
  }
  return parsePlanObject({ plan: "big", tasks: { ...Object.fromEntries(entries), ...extra } });
}

describe("bulk import and createRun", () => {
  it(`stores every task, link, task run and dependency of a ${TASKS}-task plan, in plan order`, async () => {
    const definition = bigPlan(TASKS);
    await database.store.importPlan(definition, { baseDir: dir, now: 1 });
    const { db } = database.store;

    const tasks = db
      .prepare<[], { id: string; key: string; position: number; priority: number }>(
        "SELECT id, key, position, priority FROM tasks ORDER BY position",
      )
      .all();
    expect(tasks.map((t) => t.key)).toEqual(definition.tasks.map((t) => t.key));
    expect(tasks.map((t) => t.position)).toEqual(definition.tasks.map((_, i) => i));
    expect(tasks[9]?.priority).toBe(1);
    expect(new Set(tasks.map((t) => t.id)).size).toBe(TASKS);

    const links = db
      .prepare<[], { from_key: string; to_key: string; kind: string }>(
        "SELECT from_key, to_key, kind FROM task_links",
      )
      .all();
    const expectedLinks = definition.tasks.flatMap((task) => [
      ...task.requires.map((from) => `${from}>${task.key}:requires`),
      ...task.refers.map((from) => `${from}>${task.key}:refers`),
    ]);
    expect(links.map((l) => `${l.from_key}>${l.to_key}:${l.kind}`).sort()).toEqual(expectedLinks.sort());

    const { runId, taskCount } = await database.store.createRun({
      planSlug: "big",
      trigger: "api",
      params: {},
      now: 2,
    });
    expect(taskCount).toBe(TASKS);
    const runs = db
      .prepare<[string], { id: number; task_key: string; status: string; pending_deps: number }>(
        "SELECT id, task_key, status, pending_deps FROM task_runs WHERE run_id = ? ORDER BY id",
      )
      .all(runId);
    // Ids follow plan order: they are the claim order's tie-breaker.
    expect(runs.map((r) => r.task_key)).toEqual(definition.tasks.map((t) => t.key));
    expect(runs[0]).toMatchObject({ task_key: "t1", status: "ready", pending_deps: 0 });
    expect(runs.slice(1).every((r) => r.status === "pending" && r.pending_deps === 1)).toBe(true);

    const keyOf = new Map(runs.map((r) => [r.id, r.task_key]));
    const dependencies = db
      .prepare<[string], { from_id: number; to_id: number }>(
        "SELECT from_id, to_id FROM task_run_dependencies WHERE run_id = ?",
      )
      .all(runId);
    const expectedDependencies = definition.tasks.flatMap((task) =>
      task.requires.map((from) => `${from}>${task.key}`),
    );
    expect(dependencies.map((d) => `${keyOf.get(d.from_id)}>${keyOf.get(d.to_id)}`).sort()).toEqual(
      expectedDependencies.sort(),
    );
  });

  it("re-importing a big plan keeps the ids of tasks that stay, drops the removed ones, adds the new", async () => {
    await database.store.importPlan(bigPlan(TASKS), { baseDir: dir, now: 1 });
    const { db } = database.store;
    const idsBefore = new Map(
      db
        .prepare<[], { id: string; key: string }>("SELECT id, key FROM tasks")
        .all()
        .map((row) => [row.key, row.id]),
    );
    // The last 3 tasks go (nothing requires them: their i/2 parents are all smaller), one new task arrives.
    const smaller = bigPlan(TASKS - 3, { extra: { kind: "noop", requires: ["t2"] } });
    const result = await database.store.importPlan(smaller, { baseDir: dir, now: 2 });
    expect(result).toMatchObject({ version: 2, changed: true });
    const after = db.prepare<[], { id: string; key: string }>("SELECT id, key FROM tasks").all();
    expect(after).toHaveLength(TASKS - 3 + 1);
    expect(after.filter((row) => row.key !== "extra").every((row) => idsBefore.get(row.key) === row.id)).toBe(
      true,
    );
    expect(after.some((row) => row.key === `t${TASKS}`)).toBe(false);
    const linkCount = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM task_links").get()?.n;
    const expected = smaller.tasks.reduce((n, task) => n + task.requires.length + task.refers.length, 0);
    expect(linkCount).toBe(expected);
  });

  it("gives each task run its effective params: the run's over the task's over the plan's", async () => {
    const definition = parsePlanObject({
      plan: "params",
      params: { day: "plan-day", region: "eu" },
      tasks: {
        own: { kind: "noop", params: { day: "task-day" } },
        plain: { kind: "noop" },
        other: { kind: "noop" },
      },
    });
    await database.store.importPlan(definition, { baseDir: dir, now: 1 });
    const paramsOf = async (params: Record<string, string>) => {
      const { runId } = await database.store.createRun({
        planSlug: "params",
        trigger: "api",
        params,
        now: 2,
      });
      const rows = database.store.db
        .prepare<[string], { task_key: string; params_json: string }>(
          "SELECT task_key, params_json FROM task_runs WHERE run_id = ? ORDER BY id",
        )
        .all(runId);
      return Object.fromEntries(rows.map((row) => [row.task_key, JSON.parse(row.params_json) as unknown]));
    };
    expect(await paramsOf({})).toEqual({
      own: { day: "task-day", region: "eu" },
      plain: { day: "plan-day", region: "eu" },
      other: { day: "plan-day", region: "eu" },
    });
    expect(await paramsOf({ region: "us" })).toEqual({
      own: { day: "task-day", region: "us" },
      plain: { day: "plan-day", region: "us" },
      other: { day: "plan-day", region: "us" },
    });
  });
});
