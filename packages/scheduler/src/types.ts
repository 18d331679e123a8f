import type { Clock, ExecutionRequest, ExecutionResult, Logger, SchedulerStore } from "@taskloom/core";

/** The executor, as the scheduler sees it (the executor package implements it). */
export type ExecuteAttempt = (request: ExecutionRequest) => Promise<ExecutionResult>;

export interface WorkerOptions {
  /** Attempts executed at once. Default 4. */
  concurrency?: number;
  /** How long a claim holds a task run without a heartbeat, in ms. Default 30000. */
  leaseMs?: number;
  /** How often leases are extended and cancel requests checked, in ms. Default leaseMs / 3. */
  heartbeatMs?: number;
  /** How often to look for work committed by other processes, in ms. Default 500. */
  pollMs?: number;
  /** How often expired leases are taken back, in ms. Default leaseMs / 2. */
  reclaimMs?: number;
  /** SIGTERM → SIGKILL grace for stopped attempts, in ms. Default 5000. */
  killGraceMs?: number;
  /** On `stop()`, how long running attempts may finish before they are stopped and released, in ms. Default 10000. */
  shutdownGraceMs?: number;
  /** Only execute this run's task runs. Default: every run in the database. */
  runId?: string;
  /** Only claim from these queues. Default: all. */
  queues?: string[];
  /** Log chunks are written at least this often, in ms. Default 100. */
  logFlushMs?: number;
}

/** Everything the worker's systems share; time, randomness and identity are injected. */
export interface SchedulerResources {
  store: SchedulerStore;
  execute: ExecuteAttempt;
  clock: Clock;
  /** Returns [0, 1): the jitter source. */
  random: () => number;
  logger: Logger;
  workerId: string;
  host: string;
  pid: number;
  /** Whether a process on this host is alive; used to recover leases of dead local workers at once. */
  isPidAlive: (pid: number) => boolean;
}

export interface ResolvedWorkerOptions {
  concurrency: number;
  leaseMs: number;
  heartbeatMs: number;
  pollMs: number;
  reclaimMs: number;
  killGraceMs: number;
  shutdownGraceMs: number;
  runId: string | undefined;
  queues: string[] | undefined;
  logFlushMs: number;
}

export function resolveWorkerOptions(options: WorkerOptions): ResolvedWorkerOptions {
  const leaseMs = options.leaseMs ?? 30_000;
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  return {
    concurrency,
    leaseMs,
    heartbeatMs: options.heartbeatMs ?? Math.max(10, Math.floor(leaseMs / 3)),
    pollMs: options.pollMs ?? 500,
    reclaimMs: options.reclaimMs ?? Math.max(10, Math.floor(leaseMs / 2)),
    killGraceMs: options.killGraceMs ?? 5_000,
    shutdownGraceMs: options.shutdownGraceMs ?? 10_000,
    runId: options.runId,
    queues: options.queues,
    logFlushMs: options.logFlushMs ?? 100,
  };
}
