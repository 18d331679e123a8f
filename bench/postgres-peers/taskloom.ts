import os from "node:os";
import {
  type AttemptResult,
  type ClaimInput,
  type Logger,
  parsePlanObject,
  type SchedulerStore,
  systemClock,
} from "@taskloom/core";
import { openPostgresDatabase, type PostgresTaskloomDatabase } from "@taskloom/db/postgres";
import { executeTask } from "@taskloom/executor";
import { type ExecuteAttempt, Worker } from "@taskloom/scheduler";
import {
  chainHops,
  deferred,
  epochNow,
  type SystemDriver,
  type Variant,
  WORKLOAD_TIMEOUT_MS,
  withTimeout,
} from "./system.ts";

type NoopTask = { kind: "noop"; requires?: string[] };

/**
 * Taskloom on PostgreSQL as a user runs it: `openPostgresDatabase` (the pool, LISTEN/NOTIFY, migrations), the
 * real store, executor and `Worker`, `noop` tasks. The workloads are plans: flat (independent tasks), a chain
 * (`requires` the previous step) and the fan-out (`root → m1…mN → sink`).
 */
export const taskloomDriver: SystemDriver = {
  async migrate(target) {
    const database = await open(target.url);
    await database.close();
  },

  async enqueueFlat(target, jobs) {
    const tasks = Object.fromEntries(
      Array.from({ length: jobs }, (_, i): [string, NoopTask] => [`t${i + 1}`, { kind: "noop" }]),
    );
    return withDatabase(target.url, (database) => createRun(database, { plan: "bench-flat", tasks }));
  },

  async flatWorker(target, variant, runId, tracker) {
    const database = await open(target.url);
    const worker = newWorker(database.store, variant, runId, (request) => {
      tracker.started();
      return executeTask(request).then((report) => {
        tracker.ended();
        return report;
      });
    });
    return {
      go: () => worker.start(),
      async stop() {
        await worker.stop({ graceMs: 0 });
        await database.close();
      },
    };
  },

  async chain(target, variant, length) {
    const tasks: Record<string, NoopTask> = {};
    for (let i = 1; i <= length; i++)
      tasks[`s${i}`] = i === 1 ? { kind: "noop" } : { kind: "noop", requires: [`s${i - 1}`] };
    const { starts, commits } = await runTimed(target.url, variant, { plan: "bench-chain", tasks });
    const step = (times: Map<string, number>) =>
      new Map([...times].map(([key, at]): [number, number] => [Number(key.slice(1)), at]));
    return chainHops(step(starts), step(commits), length);
  },

  async fanOut(target, variant, width) {
    const tasks: Record<string, NoopTask> = { root: { kind: "noop" } };
    const middles = Array.from({ length: width }, (_, i) => `m${i + 1}`);
    for (const key of middles) tasks[key] = { kind: "noop", requires: ["root"] };
    tasks.sink = { kind: "noop", requires: middles };
    const { starts, ends } = await runTimed(target.url, variant, { plan: "bench-fanout", tasks });
    const rootStart = starts.get("root");
    const sinkEnd = ends.get("sink");
    if (rootStart === undefined || sinkEnd === undefined)
      throw new Error("the fan-out's root or sink never ran");
    return sinkEnd - rootStart;
  },
};

/** A small pool, as README "Scaling out" recommends for a worker process. */
const open = (url: string) => openPostgresDatabase({ url, poolSize: 5 });

async function withDatabase<T>(
  url: string,
  body: (database: PostgresTaskloomDatabase) => Promise<T>,
): Promise<T> {
  const database = await open(url);
  try {
    return await body(database);
  } finally {
    await database.close();
  }
}

async function createRun(database: PostgresTaskloomDatabase, plan: unknown): Promise<string> {
  const definition = parsePlanObject(plan);
  await database.store.importPlan(definition, { baseDir: process.cwd(), now: Date.now() });
  const { runId } = await database.store.createRun({
    planSlug: definition.slug,
    trigger: "api",
    params: {},
    now: Date.now(),
  });
  return runId;
}

function newWorker(store: SchedulerStore, variant: Variant, runId: string, execute: ExecuteAttempt): Worker {
  return new Worker(
    {
      store,
      execute,
      clock: systemClock,
      random: Math.random,
      logger: printingLogger,
      workerId: `bench-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      host: os.hostname(),
      pid: process.pid,
      isPidAlive: () => true,
    },
    { runId, concurrency: variant.concurrency },
  );
}

/** Warnings and errors are printed: a figure measured with them is not a clean one. */
const printingLogger: Logger = {
  debug() {},
  info() {},
  warn: (obj, msg) =>
    console.error(`taskloom worker warning: ${msg ?? ""} ${JSON.stringify(obj, errorMessages)}`),
  error: (obj, msg) =>
    console.error(`taskloom worker error: ${msg ?? ""} ${JSON.stringify(obj, errorMessages)}`),
};

// Errors stringify to {} by default.
const errorMessages = (_key: string, value: unknown) => (value instanceof Error ? value.message : value);

/**
 * Runs the plan with one worker in this process and returns, per task key, when its attempt started and ended
 * and when the completion that recorded it committed (the store call's promise resolved).
 */
async function runTimed(url: string, variant: Variant, plan: unknown) {
  return withDatabase(url, async (database) => {
    const runId = await createRun(database, plan);
    const starts = new Map<string, number>();
    const ends = new Map<string, number>();
    const commits = new Map<string, number>();
    const keyOf = new Map<number, string>();
    const finished = deferred<void>();
    const store = observedStore(database.store, {
      claimed: (claimed) => {
        for (const run of claimed) keyOf.set(run.id, run.taskKey);
      },
      committed: (results, finishedRuns) => {
        const at = epochNow();
        for (const result of results) {
          const key = keyOf.get(result.taskRunId);
          if (key) commits.set(key, at);
        }
        if (finishedRuns.includes(runId)) finished.resolve();
      },
    });
    const worker = newWorker(store, variant, runId, (request) => {
      starts.set(request.taskKey, epochNow());
      return executeTask(request).then((report) => {
        ends.set(request.taskKey, epochNow());
        return report;
      });
    });
    await worker.start();
    try {
      await withTimeout(finished.promise, WORKLOAD_TIMEOUT_MS, `run ${runId} to end`);
    } finally {
      await worker.stop({ graceMs: 0 });
    }
    const status = await database.store.getRunStatus(runId);
    if (status !== "succeeded") throw new Error(`bench run ${runId} ended ${status}`);
    return { starts, ends, commits };
  });
}

/** The store with its claims and committed completions observed (the store's own methods, bound to it). */
function observedStore(
  store: SchedulerStore,
  observe: {
    claimed(claimed: Awaited<ReturnType<SchedulerStore["claimTaskRuns"]>>): void;
    committed(results: AttemptResult[], finishedRuns: string[]): void;
  },
): SchedulerStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === "claimTaskRuns") {
        return async (input: ClaimInput) => {
          const claimed = await target.claimTaskRuns(input);
          observe.claimed(claimed);
          return claimed;
        };
      }
      if (property === "completeTaskRuns") {
        return async (results: AttemptResult[], now: number, next?: ClaimInput) => {
          const outcome = await target.completeTaskRuns(results, now, next);
          observe.claimed(outcome.claimed);
          const recorded = new Set(outcome.recorded);
          observe.committed(
            results.filter((result) => recorded.has(result.taskRunId)),
            outcome.finishedRuns.map((run) => run.runId),
          );
          return outcome;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
