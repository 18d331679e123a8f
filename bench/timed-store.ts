import type {
  AttemptResult,
  CachedOutput,
  CacheLookup,
  ClaimedTaskRun,
  ClaimInput,
  CompletionBatchResult,
  LogChunkInput,
  SchedulerStore,
  WorkerRegistration,
} from "@taskloom/core";

export interface OpStats {
  calls: number;
  /** Synchronous self time: nested operations (a claim triggered from inside a completion) are excluded. */
  selfMs: number;
  /** Rows returned/recorded (claimed task runs, recorded results). */
  rows: number;
}

/**
 * Wraps the real SQLite store to time the scheduler's calls without touching the store or the worker.
 * SqliteStore does all its work synchronously before its promise is returned, so timing the call itself
 * measures the transaction exactly, with no event-loop noise. Its change listener runs synchronously inside
 * a completion and claims right away, hence the self-time bookkeeping.
 */
export class TimedStore implements SchedulerStore {
  readonly stats = new Map<string, OpStats>();
  /** Every call with its start and self time, when constructed with `trace` (for the profile script). */
  readonly trace: { name: string; start: number; selfMs: number }[] | null;
  /** performance.now() when the first claim began. */
  firstClaimAt: number | null = null;
  readonly #inner: SchedulerStore;
  readonly #runEnded = new Map<string, (at: number) => void>();
  #childMs = 0;

  constructor(inner: SchedulerStore, options: { trace?: boolean } = {}) {
    this.#inner = inner;
    this.trace = options.trace ? [] : null;
  }

  /** Resolves with performance.now() at the commit that finished `runId` (no polling, so no poll delay). */
  whenRunEnds(runId: string): Promise<number> {
    return new Promise((resolve) => this.#runEnded.set(runId, resolve));
  }

  #time<T>(name: string, call: () => Promise<T>, rows: (value: T) => number): Promise<T> {
    const start = performance.now();
    const outerChild = this.#childMs;
    this.#childMs = 0;
    const promise = call();
    const elapsed = performance.now() - start;
    const self = elapsed - this.#childMs;
    this.#childMs = outerChild + elapsed;
    let entry = this.stats.get(name);
    if (!entry) {
      entry = { calls: 0, selfMs: 0, rows: 0 };
      this.stats.set(name, entry);
    }
    const stats = entry;
    stats.calls++;
    stats.selfMs += self;
    this.trace?.push({ name, start, selfMs: self });
    return promise.then((value) => {
      stats.rows += rows(value);
      return value;
    });
  }

  claimTaskRuns(input: ClaimInput): Promise<ClaimedTaskRun[]> {
    this.firstClaimAt ??= performance.now();
    return this.#time(
      "claimTaskRuns",
      () => this.#inner.claimTaskRuns(input),
      (claimed) => claimed.length,
    );
  }

  completeTaskRuns(results: AttemptResult[], now: number, next?: ClaimInput): Promise<CompletionBatchResult> {
    let committedAt = 0;
    const promise = this.#time(
      "completeTaskRuns",
      () => {
        const inner = this.#inner.completeTaskRuns(results, now, next);
        committedAt = performance.now();
        return inner;
      },
      (result) => result.recorded.length,
    );
    return promise.then((result) => {
      for (const finished of result.finishedRuns) this.#runEnded.get(finished.runId)?.(committedAt);
      return result;
    });
  }

  heartbeat(workerId: string, taskRunIds: number[], leaseMs: number, now: number): Promise<number[]> {
    return this.#time(
      "heartbeat",
      () => this.#inner.heartbeat(workerId, taskRunIds, leaseMs, now),
      () => 0,
    );
  }

  reclaimExpiredLeases(now: number, opts?: { runId?: string; deadWorkerIds?: string[] }): Promise<number> {
    return this.#time(
      "reclaimExpiredLeases",
      () => this.#inner.reclaimExpiredLeases(now, opts),
      (n) => n,
    );
  }

  releaseTaskRuns(workerId: string, taskRunIds: number[], now: number): Promise<void> {
    return this.#time(
      "releaseTaskRuns",
      () => this.#inner.releaseTaskRuns(workerId, taskRunIds, now),
      () => 0,
    );
  }

  nextAvailableAt(now: number, runId?: string): Promise<number | null> {
    return this.#time(
      "nextAvailableAt",
      () => this.#inner.nextAvailableAt(now, runId),
      () => 0,
    );
  }

  cancelRequested(taskRunIds: number[]): Promise<number[]> {
    return this.#time(
      "cancelRequested",
      () => this.#inner.cancelRequested(taskRunIds),
      (ids) => ids.length,
    );
  }

  appendLogs(chunks: LogChunkInput[]): Promise<void> {
    return this.#time(
      "appendLogs",
      () => this.#inner.appendLogs(chunks),
      () => chunks.length,
    );
  }

  registerWorker(worker: WorkerRegistration): Promise<void> {
    return this.#inner.registerWorker(worker);
  }

  heartbeatWorker(workerId: string, now: number): Promise<void> {
    return this.#inner.heartbeatWorker(workerId, now);
  }

  stopWorker(workerId: string, now: number): Promise<void> {
    return this.#inner.stopWorker(workerId, now);
  }

  findDeadWorkers(input: {
    staleBefore: number;
    host: string;
    isPidAlive(pid: number): boolean;
  }): Promise<string[]> {
    return this.#inner.findDeadWorkers(input);
  }

  leasedTaskRuns(workerId: string): Promise<number[]> {
    return this.#time(
      "leasedTaskRuns",
      () => this.#inner.leasedTaskRuns(workerId),
      (ids) => ids.length,
    );
  }

  findCachedOutput(lookup: CacheLookup): Promise<CachedOutput | null> {
    return this.#time(
      "findCachedOutput",
      () => this.#inner.findCachedOutput(lookup),
      (hit) => (hit === null ? 0 : 1),
    );
  }

  pruneWorkers(seenBefore: number): Promise<string[]> {
    return this.#inner.pruneWorkers(seenBefore);
  }

  onChange(listener: () => void): () => void {
    return this.#inner.onChange(listener);
  }
}
