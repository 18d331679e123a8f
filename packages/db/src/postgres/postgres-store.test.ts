import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  BadInputError,
  type EventRecord,
  IllegalTransitionError,
  NotFoundError,
  parsePlanObject,
  type TaskloomStore,
} from "@taskloom/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, openSqliteTaskloomDatabase, type SqliteTaskloomDatabase } from "../open-database.ts";
import { DEFAULT_POOL_SIZE, postgresSettingsFromUrl, withoutPassword } from "./connection-config.ts";
import { openPostgresDatabase, type PostgresTaskloomDatabase } from "./open-postgres-database.ts";
import { PostgresStore } from "./postgres-store.ts";
import {
  createTestDatabase,
  postgresDescribe,
  type TestDatabase,
  truncateAllTables,
} from "./test-database.ts";

const describePostgres = await postgresDescribe();

/** Deterministic ids, so that both stores write identical rows for identical calls. */
function counterIds(): (prefix: string) => string {
  let n = 0;
  return (prefix) => `${prefix}_${String(++n).padStart(4, "0")}`;
}

let testDb: TestDatabase;
let pgDatabase: PostgresTaskloomDatabase;
let pgStore: PostgresStore;
let dir: string;
let sqliteDatabase: SqliteTaskloomDatabase;
let sqliteStore: TaskloomStore;

/** A fresh PostgreSQL database for the file, emptied before each test, beside a new SQLite file. */
function useBothStores(): void {
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await testDb?.drop();
  });

  beforeEach(async () => {
    pgDatabase = await openPostgresDatabase({ url: testDb.url, poolSize: 4 });
    // Every test starts from empty tables with sequences at 1, like a new SQLite file.
    await truncateAllTables(pgDatabase.store.pool);
    // Time is driven through the ports' `now` here, as on SQLite: leases by the caller's clock.
    pgStore = new PostgresStore(pgDatabase.store.pool, { newId: counterIds(), leaseClock: "caller" });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-pg-store-"));
    sqliteDatabase = openSqliteTaskloomDatabase({ url: `file:${path.join(dir, "t.db")}`, cwd: dir });
    const { SqliteStore } = await import("../sqlite/sqlite-store.ts");
    sqliteStore = new SqliteStore(sqliteDatabase.store.db, { newId: counterIds() });
  });
  afterEach(async () => {
    await pgDatabase?.close();
    await sqliteDatabase?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
}

const PLAN = {
  plan: "report",
  name: "Quarterly report",
  params: { quarter: "Q3" },
  tasks: {
    fetch: { kind: "noop" },
    clean: { kind: "noop", requires: ["fetch"], queue: "cpu", priority: 2 },
    chart: { kind: "noop", requires: ["clean"], refers: ["fetch"] },
    mail: { kind: "noop", requires: ["chart", "clean"], retries: { max: 2 } },
  },
};

/** The same raw change on both databases (what only the hot path can do today: fail, lease, back off). */
async function onBoth(sql: { pg: string; sqlite: string }, params: unknown[]): Promise<void> {
  await pgStore.pool.query(sql.pg, params);
  sqliteDatabase.store.db
    .prepare(sql.sqlite)
    .run(...params.map((p) => (p instanceof Date ? p.getTime() : p)));
}

/** Runs `scenario` on both stores and expects the same results and the same event log. */
async function sameOnBoth<T>(
  scenario: (store: TaskloomStore) => Promise<T>,
): Promise<{ result: T; events: EventRecord[] }> {
  const onSqlite = await scenario(sqliteStore);
  const onPostgres = await scenario(pgStore);
  expect(onPostgres).toEqual(onSqlite);
  const sqliteEvents = await sqliteStore.readEvents({ afterId: 0, limit: 10_000 });
  const pgEvents = await pgStore.readEvents({ afterId: 0, limit: 10_000 });
  expect(pgEvents).toEqual(sqliteEvents);
  expect(await pgStore.lastEventId()).toBe(await sqliteStore.lastEventId());
  return { result: onPostgres, events: pgEvents };
}

describePostgres("PostgresStore: the same rows and events as the SQLite store", () => {
  useBothStores();
  it("imports, re-imports (no-op), edits and places a plan", async () => {
    const { result, events } = await sameOnBoth(async (store) => {
      const definition = parsePlanObject(PLAN);
      const first = await store.importPlan(definition, {
        baseDir: "/plans",
        now: 1_000,
        positions: { fetch: { x: 1, y: 2 } },
      });
      const again = await store.importPlan(definition, { baseDir: "/plans", now: 2_000 });
      const edited = parsePlanObject({
        ...PLAN,
        tasks: { ...PLAN.tasks, mail: { kind: "noop", requires: ["chart"] } },
      });
      const third = await store.importPlan(edited, { baseDir: "/plans", now: 3_000, reason: "edit" });
      await store.setTaskPositions("report", [
        { key: "chart", x: 10.5, y: -3 },
        { key: "nope", x: 0, y: 0 },
      ]);
      return {
        first,
        again,
        third,
        positions: await store.getTaskPositions("report"),
        plan: await store.getPlanDefinition("report"),
      };
    });
    expect(result.again.changed).toBe(false);
    expect(result.third.version).toBe(2);
    expect(result.positions).toEqual({ fetch: { x: 1, y: 2 }, chart: { x: 10.5, y: -3 } });
    expect(events.map((e) => e.type)).toEqual(["plan.imported", "plan.updated"]);
    await expect(pgStore.setTaskPositions("missing", [])).rejects.toBeInstanceOf(NotFoundError);
    await expect(pgStore.getPlanDefinition("missing")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("creates runs (an empty one ends at once) and cancels one, idempotently", async () => {
    const { result, events } = await sameOnBoth(async (store) => {
      await store.importPlan(parsePlanObject(PLAN), { baseDir: null, now: 1_000 });
      await store.importPlan(parsePlanObject({ plan: "empty", tasks: {} }), { baseDir: null, now: 1_000 });
      const run = await store.createRun({
        planSlug: "report",
        trigger: "api",
        params: { quarter: "Q4" },
        now: 2_000,
      });
      const empty = await store.createRun({ planSlug: "empty", trigger: "cli", params: {}, now: 2_500 });
      const cancel = await store.requestCancel(run.runId, 3_000);
      const again = await store.requestCancel(run.runId, 4_000);
      return {
        run,
        empty,
        cancel,
        again,
        status: await store.getRunStatus(run.runId),
        emptyStatus: await store.getRunStatus(empty.runId),
        queues: await store.listQueues(),
      };
    });
    expect(result.run.taskCount).toBe(4);
    expect(result.cancel).toEqual({ status: "cancelled" });
    expect(result.emptyStatus).toBe("succeeded");
    expect(events.filter((e) => e.type === "task_run.status").map((e) => e.toStatus)).toEqual([
      "cancelled",
      "cancelled",
      "cancelled",
      "cancelled",
    ]);
    await expect(pgStore.getRunStatus("run_missing")).rejects.toBeInstanceOf(NotFoundError);
    await expect(pgStore.requestCancel("run_missing", 1)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      pgStore.createRun({ planSlug: "missing", trigger: "api", params: {}, now: 1 }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("gives the read model the same runs, tasks and plans on both providers", async () => {
    await sameOnBoth(async (store) => {
      await store.importPlan(parsePlanObject(PLAN), { baseDir: "/plans", now: 1_000 });
      const { runId } = await store.createRun({ planSlug: "report", trigger: "api", params: {}, now: 2_000 });
      await store.requestCancel(runId, 3_000);
      return runId;
    });
    const views = async (database: { queries: SqliteTaskloomDatabase["queries"] }) => {
      const [run] = await database.queries.listRuns();
      return {
        plans: await database.queries.listPlans(),
        tasks: await database.queries.listTasks("report"),
        runs: await database.queries.searchRuns({ search: "CLEAN" }),
        detail: run ? await database.queries.getRun(run.id) : null,
      };
    };
    const onPostgres = await views(pgDatabase);
    expect(onPostgres.detail?.status).toBe("cancelled");
    expect(onPostgres.runs.items).toHaveLength(1);
    expect(onPostgres).toEqual(await views(sqliteDatabase));
  });

  it("retries a failed task run: it and its blocked dependents reopen, and so does the run", async () => {
    const prepare = async (store: TaskloomStore) => {
      await store.importPlan(parsePlanObject(PLAN), { baseDir: null, now: 1_000 });
      return (await store.createRun({ planSlug: "report", trigger: "api", params: {}, now: 2_000 })).runId;
    };
    const runId = await prepare(sqliteStore);
    expect(await prepare(pgStore)).toBe(runId);
    // What the hot path would have done: `fetch` failed for good, its dependents are blocked, the run failed.
    const failed = new Date(3_000);
    await onBoth(
      {
        pg: "UPDATE task_runs SET status = 'failed', attempt = 1, reason = 'error', error = 'boom', finished_at = $1 WHERE task_key = 'fetch'",
        sqlite:
          "UPDATE task_runs SET status = 'failed', attempt = 1, reason = 'error', error = 'boom', finished_at = ? WHERE task_key = 'fetch'",
      },
      [failed],
    );
    await onBoth(
      {
        pg: "UPDATE task_runs SET status = 'blocked', reason = 'upstream_failed', finished_at = $1 WHERE task_key <> 'fetch'",
        sqlite:
          "UPDATE task_runs SET status = 'blocked', reason = 'upstream_failed', finished_at = ? WHERE task_key <> 'fetch'",
      },
      [failed],
    );
    await onBoth(
      {
        pg: "UPDATE runs SET status = 'failed', started_at = $1, finished_at = $2",
        sqlite: "UPDATE runs SET status = 'failed', started_at = ?, finished_at = ?",
      },
      [failed, failed],
    );
    const { events } = await sameOnBoth(async (store) => {
      await store.retryTaskRun(runId, "fetch", 4_000);
      const refused = await store.retryTaskRun(runId, "fetch", 5_000).catch((error: unknown) => error);
      return {
        refused: refused instanceof IllegalTransitionError,
        status: await store.getRunStatus(runId),
        queues: await store.listQueues(),
      };
    });
    const retried = events.filter((e) => e.createdAt === 4_000);
    expect(retried.map((e) => `${e.taskKey ?? "run"}:${e.fromStatus}->${e.toStatus}`)).toEqual([
      "fetch:failed->ready",
      "clean:blocked->pending",
      "chart:blocked->pending",
      "mail:blocked->pending",
      "run:failed->running",
    ]);
    const detail = await pgDatabase.queries.getRun(runId);
    expect(detail).toEqual(await sqliteDatabase.queries.getRun(runId));
  });

  it("configures queues, appends logs in order across attempts, and answers the scheduler's questions", async () => {
    const { result } = await sameOnBoth(async (store) => {
      await store.importPlan(parsePlanObject(PLAN), { baseDir: null, now: 1_000 });
      const { runId } = await store.createRun({ planSlug: "report", trigger: "api", params: {}, now: 2_000 });
      const paused = await store.configureQueue("cpu", { paused: true });
      const limited = await store.configureQueue("cpu", { concurrency: 2 });
      const cleared = await store.configureQueue("gpu", { concurrency: null });
      await store.appendLogs([
        { taskRunId: 1, attempt: 1, stream: "stdout", text: "one\n", at: 2_100 },
        { taskRunId: 1, attempt: 1, stream: "stderr", text: "two\n", at: 2_200 },
        { taskRunId: 2, attempt: 1, stream: "system", text: "x\n", at: 2_300 },
      ]);
      await store.appendLogs([{ taskRunId: 1, attempt: 2, stream: "stdout", text: "three\n", at: 2_400 }]);
      await store.appendLogs([]);
      return { runId, paused, limited, cleared, queues: await store.listQueues() };
    });
    expect(result.limited).toEqual({ name: "cpu", concurrency: 2, paused: true });
    expect(result.queues.map((q) => q.name)).toEqual(["cpu", "default", "gpu"]);
    const logs = await pgDatabase.queries.readLogs({ runId: result.runId, taskKey: "fetch" });
    expect(logs).toEqual(await sqliteDatabase.queries.readLogs({ runId: result.runId, taskKey: "fetch" }));
    const { rows } = await pgStore.pool.query(
      "SELECT seq, text FROM log_chunks WHERE task_run_id = 1 ORDER BY seq",
    );
    expect(rows).toEqual([
      { seq: 1, text: "one\n" },
      { seq: 2, text: "two\n" },
      { seq: 3, text: "three\n" },
    ]);

    // A backoff, a cancel request, a lease: set the way the hot path will.
    await onBoth(
      {
        pg: "UPDATE task_runs SET status = 'retrying', available_at = $1 WHERE id = 4",
        sqlite: "UPDATE task_runs SET status = 'retrying', available_at = ? WHERE id = 4",
      },
      [new Date(9_000)],
    );
    await sameOnBoth(async (store) => ({
      next: await store.nextAvailableAt(5_000),
      ofRun: await store.nextAvailableAt(5_000, result.runId),
      otherRun: await store.nextAvailableAt(5_000, "run_other"),
      past: await store.nextAvailableAt(9_000),
      cancelBefore: await store.cancelRequested([1, 2, 3]),
      none: await store.cancelRequested([]),
    }));
    const answers = await pgStore.nextAvailableAt(5_000);
    expect(answers).toBe(9_000);
    await sameOnBoth(async (store) => {
      await store.requestCancel(result.runId, 6_000);
      return store.cancelRequested([1, 2, 3, 99]);
    });
  });

  it("keeps a worker registry and finds dead workers that hold leases", async () => {
    await sameOnBoth(async (store) => {
      await store.importPlan(parsePlanObject(PLAN), { baseDir: null, now: 1_000 });
      await store.createRun({ planSlug: "report", trigger: "api", params: {}, now: 1_000 });
      for (const [index, id] of ["w-old", "w-gone", "w-live", "w-idle"].entries()) {
        await store.registerWorker({
          id,
          host: "h1",
          pid: 100 + index,
          queues: ["default"],
          concurrency: 4,
          // Distinct start times: the read model lists workers by start time.
          now: 1_000 + index,
        });
      }
      await store.heartbeatWorker("w-live", 10_000);
      await store.heartbeatWorker("w-gone", 10_000);
      await store.stopWorker("w-idle", 11_000);
      await store.registerWorker({
        id: "w-idle",
        host: "h1",
        pid: 9,
        queues: [],
        concurrency: 1,
        now: 12_000,
      });
      return null;
    });
    // Leases as the hot path would hold them.
    for (const [id, owner] of [
      [1, "w-old"],
      [2, "w-gone"],
      [3, "w-live"],
    ] as const) {
      await onBoth(
        {
          pg: "UPDATE task_runs SET status = 'running', lease_owner = $1 WHERE id = $2",
          sqlite: "UPDATE task_runs SET status = 'running', lease_owner = ? WHERE id = ?",
        },
        [owner, id],
      );
    }
    // w-old's heartbeat is stale; w-gone's process (pid 101 on this host) is gone; w-live is fine.
    const { result } = await sameOnBoth(async (store) =>
      (
        await store.findDeadWorkers({ staleBefore: 5_000, host: "h1", isPidAlive: (pid) => pid !== 101 })
      ).sort(),
    );
    expect(result).toEqual(["w-gone", "w-old"]);
    const workers = await pgDatabase.queries.listWorkers();
    expect(workers).toEqual(await sqliteDatabase.queries.listWorkers());
  });

  it("runs a plan through the hot path with the same events and read model as SQLite", async () => {
    const ok = { status: "succeeded", exitCode: 0, outputText: "ok", outputJson: '{"n":1}' } as const;
    const { result, events } = await sameOnBoth(async (store) => {
      await store.importPlan(parsePlanObject(PLAN), { baseDir: "/plans", now: 1_000 });
      const { runId } = await store.createRun({ planSlug: "report", trigger: "api", params: {}, now: 2_000 });
      const lease = { leaseMs: 1_000, limit: 4 };
      const [fetch] = await store.claimTaskRuns({ workerId: "w1", now: 3_000, ...lease });
      // w1 dies: its lease is taken back without using a retry, and w2 runs `fetch` again.
      const reclaimed = await store.reclaimExpiredLeases(4_500);
      const [again] = await store.claimTaskRuns({ workerId: "w2", now: 4_600, ...lease });
      const late = await store.completeTaskRuns(
        [{ taskRunId: fetch?.id ?? 0, attempt: fetch?.attempt ?? 0, workerId: "w1", outcome: ok }],
        4_700,
      );
      const first = await store.completeTaskRuns(
        [{ taskRunId: again?.id ?? 0, attempt: again?.attempt ?? 0, workerId: "w2", outcome: ok }],
        4_800,
      );
      const [clean] = await store.claimTaskRuns({ workerId: "w2", now: 4_900, ...lease });
      const lost = await store.heartbeat("w2", [clean?.id ?? 0, 99], 1_000, 5_000);
      await store.completeTaskRuns(
        [{ taskRunId: clean?.id ?? 0, attempt: 1, workerId: "w2", outcome: ok }],
        5_100,
      );
      const [chart] = await store.claimTaskRuns({ workerId: "w2", now: 5_200, ...lease });
      const failure = {
        status: "failed",
        exitCode: 2,
        error: "no data",
        reason: "exit_code",
        retryAt: null,
      } as const;
      const failed = await store.completeTaskRuns(
        [{ taskRunId: chart?.id ?? 0, attempt: 1, workerId: "w2", outcome: failure }],
        5_300,
      );
      await store.retryTaskRun(runId, "chart", 6_000);
      const [chart2] = await store.claimTaskRuns({ workerId: "w3", now: 6_100, ...lease });
      await store.releaseTaskRuns("w3", [chart2?.id ?? 0], 6_200);
      const [chart3] = await store.claimTaskRuns({ workerId: "w3", now: 6_300, ...lease });
      await store.completeTaskRuns(
        [{ taskRunId: chart3?.id ?? 0, attempt: chart3?.attempt ?? 0, workerId: "w3", outcome: ok }],
        6_400,
      );
      const [mail] = await store.claimTaskRuns({ workerId: "w3", now: 6_500, ...lease });
      const retry = { ...failure, retryAt: 7_000 };
      await store.completeTaskRuns(
        [{ taskRunId: mail?.id ?? 0, attempt: 1, workerId: "w3", outcome: retry }],
        6_600,
      );
      const next = await store.nextAvailableAt(6_700);
      const [mail2] = await store.claimTaskRuns({ workerId: "w3", now: 7_000, ...lease });
      const done = await store.completeTaskRuns(
        [{ taskRunId: mail2?.id ?? 0, attempt: mail2?.attempt ?? 0, workerId: "w3", outcome: ok }],
        7_100,
      );
      return { runId, reclaimed, again, late, first, lost, failed, chart3, next, mail2, done };
    });
    expect(events.filter((e) => e.type === "run.status").map((e) => e.toStatus)).toEqual([
      "running",
      "failed",
      "running",
      "succeeded",
    ]);
    const { runId } = result;
    expect(result.late.stale).toHaveLength(1);
    expect(result.lost).toEqual([99]);
    expect(result.mail2?.attempt).toBe(2);
    expect(result.done.finishedRuns).toEqual([{ runId, status: "succeeded" }]);
    expect(await pgDatabase.queries.getRun(runId)).toEqual(await sqliteDatabase.queries.getRun(runId));
    expect(await pgDatabase.queries.readLogs({ runId, taskKey: "mail" })).toEqual(
      await sqliteDatabase.queries.readLogs({ runId, taskKey: "mail" }),
    );
  });

  it("is what openDatabase opens for a postgresql:// URL", async () => {
    const database = await openDatabase({ url: testDb.url, cwd: dir });
    try {
      expect(database.provider).toBe("postgresql");
      expect(database.store).toBeInstanceOf(PostgresStore);
      expect((database.store as PostgresStore).leaseClock).toBe("database");
      expect(database.appliedMigrations).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it("opens, reports where it is without a password, and is already migrated the second time", async () => {
    expect(pgDatabase.provider).toBe("postgresql");
    expect(pgDatabase.location).toBe(withoutPassword(testDb.url));
    const second = await openPostgresDatabase({ url: testDb.url });
    try {
      expect(second.appliedMigrations).toEqual([]);
      expect(second.store.pool.options.max).toBe(DEFAULT_POOL_SIZE);
      expect(await second.queries.listPlans()).toEqual([]);
    } finally {
      await second.close();
    }
  });
});

describePostgres("PostgresStore with several processes on one database", () => {
  useBothStores();
  let other: PostgresTaskloomDatabase;
  beforeEach(async () => {
    // A second process (another host): its own pool and store.
    other = await openPostgresDatabase({ url: testDb.url, poolSize: 4 });
  });
  afterEach(async () => {
    await other.close();
  });

  it("imports one new plan once when many processes import it at the same time", async () => {
    const definition = parsePlanObject(PLAN);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 === 0 ? pgStore : other.store).importPlan(definition, { baseDir: null, now: 1_000 + i }),
      ),
    );
    expect(new Set(results.map((r) => r.planId)).size).toBe(1);
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect(results.every((r) => r.version === 1)).toBe(true);
    const events = await pgStore.readEvents({ afterId: 0, limit: 100 });
    expect(events.map((e) => e.type)).toEqual(["plan.imported"]);
  });

  it("cancels a run once when two processes cancel it together", async () => {
    await pgStore.importPlan(parsePlanObject(PLAN), { baseDir: null, now: 1_000 });
    const { runId } = await pgStore.createRun({ planSlug: "report", trigger: "api", params: {}, now: 2_000 });
    const results = await Promise.all([
      pgStore.requestCancel(runId, 3_000),
      other.store.requestCancel(runId, 3_001),
    ]);
    expect(results).toEqual([{ status: "cancelled" }, { status: "cancelled" }]);
    const events = await pgStore.readEvents({ afterId: 0, runId, limit: 100 });
    expect(events.filter((e) => e.type === "run.cancel_requested")).toHaveLength(1);
    expect(events.filter((e) => e.type === "task_run.status")).toHaveLength(4);
    expect(events.filter((e) => e.type === "run.status").map((e) => e.toStatus)).toEqual(["cancelled"]);
  });

  it("numbers log chunks of one task run without gaps or repeats when two processes append at once", async () => {
    await pgStore.importPlan(parsePlanObject(PLAN), { baseDir: null, now: 1_000 });
    await pgStore.createRun({ planSlug: "report", trigger: "api", params: {}, now: 2_000 });
    const appends = Array.from({ length: 20 }, (_, i) =>
      (i % 2 === 0 ? pgStore : other.store).appendLogs([
        { taskRunId: 1, attempt: 1, stream: "stdout", text: `${i}a`, at: 3_000 },
        { taskRunId: 2, attempt: 1, stream: "stdout", text: `${i}`, at: 3_000 },
        { taskRunId: 1, attempt: 1, stream: "stdout", text: `${i}b`, at: 3_000 },
      ]),
    );
    await Promise.all(appends);
    const { rows } = await pgStore.pool.query<{ task_run_id: number; seqs: number[] }>(
      "SELECT task_run_id, array_agg(seq ORDER BY seq) AS seqs FROM log_chunks GROUP BY task_run_id ORDER BY task_run_id",
    );
    expect(rows).toEqual([
      { task_run_id: 1, seqs: Array.from({ length: 40 }, (_, i) => i + 1) },
      { task_run_id: 2, seqs: Array.from({ length: 20 }, (_, i) => i + 1) },
    ]);
    // Each append's two chunks of task run 1 stay adjacent and in order.
    const { rows: texts } = await pgStore.pool.query<{ text: string }>(
      "SELECT text FROM log_chunks WHERE task_run_id = 1 ORDER BY seq",
    );
    for (let i = 0; i < texts.length; i += 2) {
      expect(texts[i + 1]?.text).toBe(texts[i]?.text.replace("a", "b"));
    }
  });

  it("keeps both fields when two processes configure one queue at once", async () => {
    await Promise.all([
      pgStore.configureQueue("cpu", { concurrency: 3 }),
      other.store.configureQueue("cpu", { paused: true }),
    ]);
    expect(await pgStore.listQueues()).toEqual([
      { name: "cpu", concurrency: 3, paused: true, ready: 0, running: 0 },
    ]);
  });
});

describe("PostgreSQL connection settings", () => {
  it("reads the pool size from connection_limit, hides the password, and refuses nonsense", () => {
    const settings = postgresSettingsFromUrl(
      "postgresql://u:secret@db.example:6543/tl?connection_limit=3&sslmode=disable",
    );
    expect(settings.poolSize).toBe(3);
    expect(settings.config).toMatchObject({
      host: "db.example",
      port: 6543,
      user: "u",
      password: "secret",
      database: "tl",
    });
    expect(settings.location).toBe(
      "postgresql://u:***@db.example:6543/tl?connection_limit=3&sslmode=disable",
    );
    expect(settings.config.application_name).toBe("taskloom");
    expect(postgresSettingsFromUrl("postgresql://h/db?application_name=etl").config.application_name).toBe(
      "etl",
    );
    expect(postgresSettingsFromUrl("postgresql://h/db", { poolSize: 7 }).poolSize).toBe(7);
    expect(() => postgresSettingsFromUrl("postgresql://h/db?connection_limit=0")).toThrow(BadInputError);
    expect(() => postgresSettingsFromUrl("postgresql://h/db?connection_limit=many")).toThrow(BadInputError);
  });
});
