import { Logger, makeWorkerUtils, type Runner, run, runMigrations, type TaskList } from "graphile-worker";
import pg from "pg";
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

const quiet = new Logger(() => () => {});

/**
 * graphile-worker with `run()`: its defaults except `concurrency`, or with batching (`localQueue.size` =
 * `variant.batch`, `completeJobBatchDelay` and `failJobBatchDelay` 0). It has no DAG: a chain step adds the next
 * step (`addJob`, committed before the handler returns), the fan-out's root adds the middles in one `addJobs`,
 * and each middle decrements a counter row; the one that reaches 0 adds the sink (the usual fan-in by hand).
 */
export const graphileDriver: SystemDriver = {
  async migrate(target) {
    await runMigrations({ connectionString: target.url, logger: quiet });
    const pool = new pg.Pool({ connectionString: target.url, max: 1 });
    await pool.query("CREATE TABLE bench_fan_in (id int PRIMARY KEY, remaining int NOT NULL)");
    await pool.end();
  },

  async enqueueFlat(target, jobs) {
    const utils = await makeWorkerUtils({ connectionString: target.url, logger: quiet });
    try {
      for (let from = 0; from < jobs; from += 5_000) {
        const count = Math.min(5_000, jobs - from);
        await utils.addJobs(Array.from({ length: count }, () => ({ identifier: "flat", payload: {} })));
      }
    } finally {
      await utils.release();
    }
    return "";
  },

  async flatWorker(target, variant, _token, tracker) {
    let runner: Pick<Runner, "stop"> | null = null;
    return {
      async go() {
        runner = await start(target, variant, {
          flat: async () => {
            tracker.started();
            tracker.ended();
          },
        });
      },
      async stop() {
        await runner?.stop();
      },
    };
  },

  async chain(target, variant, length) {
    const starts = new Map<number, number>();
    const commits = new Map<number, number>();
    const done = deferred<void>();
    const runner = await start(target, variant, {
      step: async (payload, helpers) => {
        const { i } = payload as { i: number };
        starts.set(i, epochNow());
        if (i === length) done.resolve();
        else {
          await helpers.addJob("step", { i: i + 1 });
          commits.set(i, epochNow());
        }
      },
    });
    try {
      const utils = await makeWorkerUtils({ connectionString: target.url, logger: quiet });
      await utils.addJob("step", { i: 1 });
      await utils.release();
      await withTimeout(done.promise, WORKLOAD_TIMEOUT_MS, "the graphile-worker chain");
    } finally {
      await runner.stop();
    }
    return chainHops(starts, commits, length);
  },

  async fanOut(target, variant, width) {
    let rootStart = 0;
    const sinkEnd = deferred<number>();
    const runner = await start(target, variant, {
      root: async (_payload, helpers) => {
        rootStart = epochNow();
        await helpers.withPgClient((client) =>
          client.query("INSERT INTO bench_fan_in (id, remaining) VALUES (1, $1)", [width]),
        );
        await helpers.addJobs(Array.from({ length: width }, () => ({ identifier: "middle", payload: {} })));
      },
      middle: async (_payload, helpers) => {
        const { rows } = await helpers.withPgClient((client) =>
          client.query<{ remaining: number }>(
            "UPDATE bench_fan_in SET remaining = remaining - 1 WHERE id = 1 RETURNING remaining",
          ),
        );
        if (rows[0]?.remaining === 0) await helpers.addJob("sink", {});
      },
      sink: async () => {
        sinkEnd.resolve(epochNow());
      },
    });
    try {
      const utils = await makeWorkerUtils({ connectionString: target.url, logger: quiet });
      await utils.addJob("root", {});
      await utils.release();
      return (
        (await withTimeout(sinkEnd.promise, WORKLOAD_TIMEOUT_MS, "the graphile-worker fan-out")) - rootStart
      );
    } finally {
      await runner.stop();
    }
  },
};

/**
 * `run()` on a pool of our own (its default size, 10), ended with the runner: a pool the runner leaves open would
 * be terminated by the next measurement's DROP DATABASE … WITH (FORCE), an unhandled error.
 */
async function start(target: Target, variant: Variant, taskList: TaskList): Promise<Pick<Runner, "stop">> {
  const batching = variant.batch
    ? { localQueue: { size: variant.batch }, completeJobBatchDelay: 0, failJobBatchDelay: 0 }
    : {};
  const pgPool = new pg.Pool({ connectionString: target.url, max: 10 });
  pgPool.on("error", () => {});
  const runner = await run({
    pgPool,
    concurrency: variant.concurrency,
    noHandleSignals: true,
    logger: quiet,
    taskList,
    preset: { worker: batching },
  });
  return {
    async stop() {
      await runner.stop();
      await pgPool.end();
    },
  };
}
