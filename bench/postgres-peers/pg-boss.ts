import pg from "pg";
import { PgBoss } from "pg-boss";
import {
  chainHops,
  deferred,
  epochNow,
  type SystemDriver,
  type Target,
  type Variant,
  WORKLOAD_TIMEOUT_MS,
  withTimeout,
} from "./system.ts";

const QUEUES = ["flat", "step", "root", "middle", "sink"];

/**
 * pg-boss at the settings its docs give for throughput: `batchSize` = `variant.batch` with `burstWhenBatchFull`
 * (fetch again at once while batches come back full), LISTEN/NOTIFY on (`useListenNotify`, queues with
 * `notify`), `pollingIntervalSeconds` at its minimum 0.5; maintenance and schedules off. A handler gets a batch.
 * It has no DAG: a chain step `send`s the next, the fan-out's root `insert`s the middles, and each middle
 * decrements a counter row; the one that reaches 0 sends the sink.
 */
export const pgBossDriver: SystemDriver = {
  async migrate(target) {
    const boss = await startBoss(target);
    for (const name of QUEUES) await boss.createQueue(name, { notify: true });
    await boss.stop({ graceful: false });
    const pool = new pg.Pool({ connectionString: target.url, max: 1 });
    await pool.query("CREATE TABLE bench_fan_in (id int PRIMARY KEY, remaining int NOT NULL)");
    await pool.end();
  },

  async enqueueFlat(target, jobs) {
    const boss = await startBoss(target);
    try {
      for (let from = 0; from < jobs; from += 5_000) {
        await boss.insert(
          "flat",
          Array.from({ length: Math.min(5_000, jobs - from) }, () => ({ data: {} })),
        );
      }
    } finally {
      await boss.stop({ graceful: false });
    }
    return "";
  },

  async flatWorker(target, variant, _token, tracker) {
    const boss = await startBoss(target);
    return {
      async go() {
        await boss.work("flat", workOptions(variant), async (jobs) => {
          tracker.started();
          tracker.ended(jobs.length);
        });
      },
      stop: () => boss.stop({ graceful: false }),
    };
  },

  async chain(target, variant, length) {
    const starts = new Map<number, number>();
    const commits = new Map<number, number>();
    const done = deferred<void>();
    const boss = await startBoss(target);
    try {
      await boss.work<{ i: number }>("step", workOptions(variant), async (jobs) => {
        for (const job of jobs) {
          const { i } = job.data;
          starts.set(i, epochNow());
          if (i === length) done.resolve();
          else {
            await boss.send("step", { i: i + 1 });
            commits.set(i, epochNow());
          }
        }
      });
      await boss.send("step", { i: 1 });
      await withTimeout(done.promise, WORKLOAD_TIMEOUT_MS, "the pg-boss chain");
    } finally {
      await boss.stop({ graceful: false });
    }
    return chainHops(starts, commits, length);
  },

  async fanOut(target, variant, width) {
    let rootStart = 0;
    const sinkEnd = deferred<number>();
    const boss = await startBoss(target);
    const pool = new pg.Pool({ connectionString: target.url, max: 2 });
    try {
      await boss.work("root", workOptions(variant), async () => {
        rootStart = epochNow();
        await pool.query("INSERT INTO bench_fan_in (id, remaining) VALUES (1, $1)", [width]);
        await boss.insert(
          "middle",
          Array.from({ length: width }, () => ({ data: {} })),
        );
      });
      await boss.work("middle", workOptions(variant), async (jobs) => {
        const { rows } = await pool.query<{ remaining: number }>(
          "UPDATE bench_fan_in SET remaining = remaining - $1 WHERE id = 1 RETURNING remaining",
          [jobs.length],
        );
        if (rows[0]?.remaining === 0) await boss.send("sink", {});
      });
      await boss.work("sink", workOptions(variant), async () => {
        sinkEnd.resolve(epochNow());
      });
      await boss.send("root", {});
      return (await withTimeout(sinkEnd.promise, WORKLOAD_TIMEOUT_MS, "the pg-boss fan-out")) - rootStart;
    } finally {
      await boss.stop({ graceful: false });
      await pool.end();
    }
  },
};

function workOptions(variant: Variant) {
  return {
    batchSize: variant.batch ?? 1,
    burstWhenBatchFull: true,
    pollingIntervalSeconds: 0.5,
    localConcurrency: variant.concurrency,
  } as const;
}

async function startBoss(target: Target): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: target.url,
    useListenNotify: true,
    supervise: false,
    schedule: false,
  });
  boss.on("error", (error: unknown) => console.error("pg-boss error:", error));
  await boss.start();
  return boss;
}
