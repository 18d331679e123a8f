/**
 * How long one chain or fan-out may take before the bench gives up on it: generous, since on a loaded 2-core
 * machine the slowest settings take minutes for 10,000 tasks.
 */
export const WORKLOAD_TIMEOUT_MS = 600_000;

/** Epoch ms with sub-ms precision, comparable across the bench's processes on one machine. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

export type SystemName = "taskloom" | "graphile-worker" | "pg-boss" | "bullmq";

/** One system with one set of settings; every workload runs with the same settings. */
export interface Variant {
  label: string;
  system: SystemName;
  /** Jobs one worker process runs at once. */
  concurrency: number;
  /**
   * Jobs one worker process takes per fetch, at most: the prefetch at which the flat throughput is compared
   * (Taskloom claims up to its free slots in one statement, so its prefetch is its concurrency).
   */
  prefetch: number;
  /** graphile-worker: `localQueue.size` (batch delays 0 with it); pg-boss: `batchSize`. */
  batch?: number;
  /** What was set, in words, for the report. */
  settings: string;
}

/** Where one measurement runs: a fresh database (PostgreSQL systems) or a fresh key prefix (BullMQ). */
export interface Target {
  url: string;
  /** The database's name, or BullMQ's key prefix. */
  name: string;
}

/** Counts the jobs a worker process ran, and when the first started and the last ended. */
export class JobTracker {
  count = 0;
  firstStart = Number.POSITIVE_INFINITY;
  lastEnd = 0;

  started(): number {
    const now = epochNow();
    if (now < this.firstStart) this.firstStart = now;
    return now;
  }

  ended(jobs = 1): void {
    this.count += jobs;
    this.lastEnd = epochNow();
  }
}

export interface FlatWorker {
  /** Starts taking jobs (connections are opened before, so that both processes start together). */
  go(): Promise<void>;
  stop(): Promise<void>;
}

export interface SystemDriver {
  /** Migrates (or otherwise sets up) an empty database, which then serves as the template of each measurement. */
  migrate(target: Target): Promise<void>;
  /** Enqueues `jobs` independent no-op jobs; returns what the worker processes need (Taskloom: the run id). */
  enqueueFlat(target: Target, jobs: number): Promise<string>;
  /** In a worker process: a worker that runs the flat jobs, counting them in `tracker`. */
  flatWorker(target: Target, variant: Variant, token: string, tracker: JobTracker): Promise<FlatWorker>;
  /** A chain of `length` steps with one worker in this process; per hop, upstream commit → dependent start. */
  chain(target: Target, variant: Variant, length: number): Promise<number[]>;
  /** root → `width` middles → sink with one worker in this process; root start → sink end, ms. */
  fanOut(target: Target, variant: Variant, width: number): Promise<number>;
  /** Removes what a measurement left (BullMQ's keys; the PostgreSQL systems' databases are dropped instead). */
  cleanup?(target: Target): Promise<void>;
}

/** Resolves when `done()` holds, checked every `everyMs`; rejects after `timeoutMs` with `what`. */
export async function waitUntil(
  done: () => boolean,
  what: string,
  { timeoutMs = 120_000, everyMs = 5 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A promise with its resolve, for "the sink ended" in the DAG workloads. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** hop i = start(i + 1) − commit(i), for steps 1…length; throws if a step is missing. */
export function chainHops(
  starts: Map<number, number>,
  commits: Map<number, number>,
  length: number,
): number[] {
  const hops: number[] = [];
  for (let i = 1; i < length; i++) {
    const commit = commits.get(i);
    const start = starts.get(i + 1);
    if (commit === undefined || start === undefined)
      throw new Error(`chain step ${i} or ${i + 1} has no time`);
    hops.push(start - commit);
  }
  return hops;
}

/** `promise`, or a rejection naming `what` after `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
