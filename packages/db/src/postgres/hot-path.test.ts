import { canTransitionTaskRun, type EventRecord, parsePlanObject, type TaskRunStatus } from "@taskloom/core";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { openPostgresDatabase, type PostgresTaskloomDatabase } from "./open-postgres-database.ts";
import {
  createTestDatabase,
  postgresDescribe,
  type TestDatabase,
  truncateAllTables,
} from "./test-database.ts";

const describePostgres = await postgresDescribe();

const HOUR = 3_600_000;
const ok = { status: "succeeded", exitCode: 0, outputText: "ok", outputJson: null } as const;

let testDb: TestDatabase;
let databases: PostgresTaskloomDatabase[] = [];

/** Another process on the same database: its own pool, store and (once subscribed) LISTEN connection. */
async function connect(): Promise<PostgresTaskloomDatabase> {
  const database = await openPostgresDatabase({ url: testDb.url, poolSize: 4 });
  databases.push(database);
  return database;
}

async function startRun(database: PostgresTaskloomDatabase, tasks: Record<string, unknown>): Promise<string> {
  const now = Date.now();
  await database.store.importPlan(parsePlanObject({ plan: "p", tasks }), { baseDir: null, now });
  return (await database.store.createRun({ planSlug: "p", trigger: "api", params: {}, now })).runId;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describePostgres("PostgreSQL hot path across processes", () => {
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await testDb?.drop();
  });
  beforeEach(async () => {
    const admin = await connect();
    await truncateAllTables(admin.store.pool);
  });
  afterEach(async () => {
    for (const database of databases) await database.close();
    databases = [];
  });

  it("judges leases by the database clock: a host whose clock runs ahead cannot take a live lease", async () => {
    const [a, ahead, behind] = [await connect(), await connect(), await connect()];
    const runId = await startRun(a, { live: { kind: "noop" }, short: { kind: "noop" } });
    // Worker a's clock lags an hour behind; its leases still run from the database's clock.
    const slow = Date.now() - HOUR;
    const [live] = await a.store.claimTaskRuns({ workerId: "a", limit: 1, leaseMs: 60_000, now: slow });
    expect(live?.leaseExpiresAt).toBe(slow + 60_000);
    await a.store.registerWorker({ id: "a", host: "h-a", pid: 1, queues: [], concurrency: 1, now: slow });
    // A host an hour ahead sees a's heartbeat as an hour old and the lease as long expired by its own clock.
    const fast = Date.now() + HOUR;
    expect(await ahead.store.reclaimExpiredLeases(fast)).toBe(0);
    expect(
      await ahead.store.findDeadWorkers({ staleBefore: fast - 60_000, host: "h-b", isPidAlive: () => true }),
    ).toEqual([]);
    expect(await a.store.heartbeat("a", [live?.id ?? 0], 60_000, slow)).toEqual([]);

    // A lease of 1 ms has expired by the database clock 20 ms later, whatever the reclaimer's clock says.
    const [short] = await a.store.claimTaskRuns({ workerId: "a", limit: 1, leaseMs: 1, now: slow });
    await sleep(20);
    expect(
      await behind.store.findDeadWorkers({ staleBefore: slow - HOUR, host: "h-b", isPidAlive: () => true }),
    ).toEqual(["a"]);
    expect(await behind.store.reclaimExpiredLeases(Date.now() - 2 * HOUR)).toBe(1);
    expect(await a.store.heartbeat("a", [live?.id ?? 0, short?.id ?? 0], 60_000, slow)).toEqual([short?.id]);
    const lost = (await a.store.readEvents({ afterId: 0, runId, limit: 100 })).filter(
      (e) => e.data?.reason === "lost",
    );
    expect(lost.map((e) => e.taskKey)).toEqual(["short"]);
  });

  it("wakes other processes with one NOTIFY per commit that makes work claimable, not its own", async () => {
    const [a, b] = [await connect(), await connect()];
    let heardByA = 0;
    a.store.onChange(() => heardByA++);
    let heardByB = 0;
    const waiters: { count: number; resolve: () => void }[] = [];
    b.store.onChange(() => {
      heardByB++;
      for (const waiter of waiters) if (heardByB >= waiter.count) waiter.resolve();
    });
    const heard = (count: number) =>
      new Promise<void>((resolve) => {
        if (heardByB >= count) resolve();
        else waiters.push({ count, resolve });
      });
    await Promise.all([a.store.listening(), b.store.listening()]);
    await startRun(a, { t: { kind: "noop" } });
    // The import and the run's creation: one notification each, heard by b.
    await heard(2);
    // a heard its own two commits at once, and ignored their echoes.
    expect(heardByA).toBe(2);

    // A claim makes nothing claimable; the completion does (here it ends the run).
    const [task] = await a.store.claimTaskRuns({ workerId: "a", limit: 5, leaseMs: 60_000, now: Date.now() });
    await a.store.completeTaskRuns(
      [{ taskRunId: task?.id ?? 0, attempt: 1, workerId: "a", outcome: ok }],
      Date.now(),
    );
    await heard(3);
    // One more transaction that notifies, so that a stray notification of the claim would have arrived first.
    await a.store.configureQueue("q", { paused: true });
    await heard(4);
    expect(heardByB).toBe(4);
    expect(heardByA).toBe(4);
  });

  it("runs a wide DAG with three processes claiming and completing at once: each task once, the run ends once", async () => {
    const workers = [await connect(), await connect(), await connect()];
    // Four layers of 40, each task requiring all 40 of the layer before: every completion of a layer races to
    // count down the same join rows, and the last tasks of the run finish side by side.
    const tasks: Record<string, unknown> = {};
    for (let layer = 0; layer < 4; layer++) {
      for (let i = 0; i < 40; i++) {
        const requires = layer === 0 ? [] : Array.from({ length: 40 }, (_, j) => `l${layer - 1}t${j}`);
        tasks[`l${layer}t${i}`] = { kind: "noop", requires };
      }
    }
    const runId = await startRun(workers[0] as PostgresTaskloomDatabase, tasks);
    const completed: number[] = [];
    await Promise.all(
      workers.map(async (database, index) => {
        const workerId = `w${index}`;
        while ((await database.store.getRunStatus(runId)) !== "succeeded") {
          const claimed = await database.store.claimTaskRuns({
            workerId,
            limit: 7,
            leaseMs: 60_000,
            now: Date.now(),
          });
          if (claimed.length === 0) {
            await sleep(2);
            continue;
          }
          const result = await database.store.completeTaskRuns(
            claimed.map((task) => ({ taskRunId: task.id, attempt: task.attempt, workerId, outcome: ok })),
            Date.now(),
          );
          expect(result.stale).toEqual([]);
          completed.push(...result.recorded);
        }
      }),
    );
    expect(completed).toHaveLength(160);
    expect(new Set(completed).size).toBe(160);
    const events = await workers[0]?.store.readEvents({ afterId: 0, runId, limit: 100_000 });
    expect(events?.filter((e) => e.type === "run.status").map((e) => e.toStatus)).toEqual([
      "running",
      "succeeded",
    ]);
    expectLegalSequences(events ?? []);
  }, 60_000);
});

/** Every task run's events chain (each starts where the previous ended) through legal transitions only. */
function expectLegalSequences(events: EventRecord[]): void {
  const last = new Map<number, TaskRunStatus>();
  for (const event of events) {
    if (event.type !== "task_run.status" || event.taskRunId === null) continue;
    const from = event.fromStatus as TaskRunStatus;
    const to = event.toStatus as TaskRunStatus;
    const previous = last.get(event.taskRunId);
    if (previous !== undefined) expect(from).toBe(previous);
    expect(canTransitionTaskRun(from, to)).toBe(true);
    last.set(event.taskRunId, to);
  }
  expect([...last.values()].every((status) => status === "succeeded")).toBe(true);
}
