import {
  type Clock,
  DEFAULT_MAX_LOST_LEASES,
  DEFAULT_WORKER_RETENTION_MS,
  type ExecutionRequest,
  type ExecutionResult,
  type Logger,
  type SchedulerStore,
} from "@taskloom/core";

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
  /**
   * How often the workers registered on this host are checked for a dead process, in ms; a dead one's
   * leases are taken back at once instead of when they expire. Default 1000.
   */
  deadWorkerCheckMs?: number;
  /**
   * Lost leases in a row after which a task run fails with reason `lost` instead of going back to `ready`
   * (a task that keeps killing its workers). Default 3 (`DEFAULT_MAX_LOST_LEASES`).
   */
  maxLostLeases?: number;
  /**
   * Grace for stopped attempts, in ms: SIGTERM → SIGKILL of a shell step, abort → end of a function handler's
   * attempt. Default 5000.
   */
  killGraceMs?: number;
  /** On `stop()`, how long running attempts may finish before they are stopped and released, in ms. Default 10000. */
  shutdownGraceMs?: number;
  /** Only execute this run's task runs. Default: every run in the database. */
  runId?: string;
  /** Only claim from these queues. Default: all. */
  queues?: string[];
  /** Log chunks are written at least this often, in ms. Default 100. */
  logFlushMs?: number;
  /**
   * Names of the function handlers the worker's executor has: it advertises them in the worker registry and
   * claims function task runs only for them. Default none (no function task runs).
   */
  handlers?: string[];
  /**
   * How long the worker registry keeps a worker after it was last seen (stopped, or lost: killed without a
   * word), in ms; the worker's housekeeping forgets older ones, on start and then at least hourly. At least
   * `leaseMs`. Default 24 hours (`DEFAULT_WORKER_RETENTION_MS`).
   */
  workerRetentionMs?: number;
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
  /**
   * Whether the process `pid` that was running at `since` (epoch ms) is alive on this host; used to take back
   * the leases of dead local workers at once. `isProcessAlive` (this package) reads /proc and sees pid reuse;
   * it compares with registration times from `clock`, so it suits the system clock only.
   */
  isPidAlive: (pid: number, since: number) => boolean;
  /**
   * Ends what is left of the attempts that dead workers on this host were running, before their leases are
   * taken back (the executor's `endAttemptsOf`), so that a re-run never overlaps a copy still dying.
   * Default: nothing to end (attempts that cannot outlive their worker, or tests).
   */
  endAttemptsOf?: (workerIds: string[]) => Promise<unknown>;
}

export interface ResolvedWorkerOptions {
  concurrency: number;
  leaseMs: number;
  heartbeatMs: number;
  pollMs: number;
  reclaimMs: number;
  deadWorkerCheckMs: number;
  maxLostLeases: number;
  killGraceMs: number;
  shutdownGraceMs: number;
  runId: string | undefined;
  queues: string[] | undefined;
  logFlushMs: number;
  handlers: string[];
  workerRetentionMs: number;
}

export function resolveWorkerOptions(options: WorkerOptions): ResolvedWorkerOptions {
  const leaseMs = options.leaseMs ?? 30_000;
  const concurrency = positiveInteger("concurrency", options.concurrency ?? 4);
  return {
    concurrency,
    leaseMs,
    heartbeatMs: options.heartbeatMs ?? Math.max(10, Math.floor(leaseMs / 3)),
    pollMs: options.pollMs ?? 500,
    reclaimMs: options.reclaimMs ?? Math.max(10, Math.floor(leaseMs / 2)),
    deadWorkerCheckMs: options.deadWorkerCheckMs ?? 1000,
    maxLostLeases: positiveInteger("maxLostLeases", options.maxLostLeases ?? DEFAULT_MAX_LOST_LEASES),
    killGraceMs: options.killGraceMs ?? 5_000,
    shutdownGraceMs: options.shutdownGraceMs ?? 10_000,
    runId: options.runId,
    queues: options.queues,
    logFlushMs: options.logFlushMs ?? 100,
    handlers: [...new Set(options.handlers ?? [])].sort(),
    workerRetentionMs: atLeast(
      "workerRetentionMs",
      options.workerRetentionMs ?? DEFAULT_WORKER_RETENTION_MS,
      leaseMs,
    ),
  };
}

/** A retention shorter than a lease would forget workers that are merely between heartbeats. */
function atLeast(name: string, value: number, min: number): number {
  if (!Number.isFinite(value) || value < min) {
    throw new RangeError(`${name} must be at least the lease (${min} ms), got ${value}`);
  }
  return value;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
