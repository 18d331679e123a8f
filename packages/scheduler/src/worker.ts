import {
  type AttemptCacheUse,
  type AttemptResult,
  type ClaimedTaskRun,
  type ClaimInput,
  DatabaseUnavailableError,
  type ExecutionResult,
  logRetriedFailure,
} from "@taskloom/core";
import { LogBuffer } from "./log-buffer.ts";
import { cachedReport, cacheHitLogLine, checkOutputCache } from "./output-cache-check.ts";
import { decideOutcome } from "./retry-decision.ts";
import {
  type ResolvedWorkerOptions,
  resolveWorkerOptions,
  type SchedulerResources,
  type WorkerOptions,
} from "./types.ts";

type StopCause = "cancelled" | "lease_lost" | "shutdown";

/** How often the worker registry is pruned at most (see `workerRetentionMs`). */
const PRUNE_EVERY_MS = 3_600_000;

interface ActiveAttempt {
  claimed: ClaimedTaskRun;
  controller: AbortController;
  /** Why the worker stopped this attempt itself, if it did. */
  stopCause: StopCause | null;
}

/**
 * A worker executes ready task runs until it is stopped. It is assembled from small systems that share one
 * resources object:
 * - **claim** (`#pump`): fills free slots. Wake-ups are explicit: this worker's own completions claim the
 *   slots they free (see complete); `wake()` (called for the store's `onChange`, or by a composition root)
 *   schedules one pump on the next turn of the event loop unless a claim has started since; a poll timer finds
 *   other processes' commits, and a timer fires at the next retry's time;
 * - **execute**: one executor call per attempt, with its own AbortController;
 * - **complete** (`#flushCompletions`): results gathered in one tick are recorded in one transaction, and the
 *   claim of the slots they free rides in it, so a dependent they made ready starts once it commits;
 * - **heartbeat**: extends leases, drops attempts whose lease was lost, stops attempts of cancelled runs;
 * - **recovery**: every `deadWorkerCheckMs`, workers on this host whose process is gone are dead: what is left
 *   of their attempts is ended and their leases are taken back at once; every `reclaimMs`, expired leases
 *   (workers on other hosts, hung ones) are taken back. A lost lease requeues the task without using a retry.
 *   On start and then hourly, workers last seen longer than `workerRetentionMs` ago are forgotten.
 * Stopping is graceful: no new claims, running attempts may finish for `shutdownGraceMs`, the rest are
 * stopped and released back to `ready` without counting the attempt.
 */
export class Worker {
  readonly id: string;
  readonly #r: SchedulerResources;
  readonly #o: ResolvedWorkerOptions;
  readonly #active = new Map<number, ActiveAttempt>();
  readonly #logs: LogBuffer;
  #completions: AttemptResult[] = [];
  #releases: number[] = [];
  #flushScheduled = false;
  #pumping = false;
  /** The claim loop in progress (never rejects), so that `stop()` waits for a claim already sent. */
  #pumpDone: Promise<void> = Promise.resolve();
  /**
   * Set when a claim failed with the database unreachable: its COMMIT may have reached the server with the
   * answer lost, leaving leases this worker holds without knowing. The next claim first gives those back.
   */
  #claimsUncertain = false;
  /** Completions whose recording failed with the database unreachable: they may have been recorded already. */
  readonly #completionsUncertain = new Set<number>();
  /** Claims started so far; a scheduled wake-up is void once a claim has started after it was asked for. */
  #claimsStarted = 0;
  #wakeScheduled = false;
  #lastExpiryReclaimAt = Number.NEGATIVE_INFINITY;
  #lastPruneAt = Number.NEGATIVE_INFINITY;
  #pumpAgain = false;
  #state: "new" | "running" | "stopping" | "stopped" = "new";
  #timers: NodeJS.Timeout[] = [];
  #retryTimer: NodeJS.Timeout | null = null;
  /** Reads of the next retry time so far, and the newest one (never rejects; `stop()` waits for it). */
  #retryLooks = 0;
  #retryLook: Promise<void> = Promise.resolve();
  #unsubscribe: (() => void) | null = null;
  #idleWaiters: (() => void)[] = [];

  constructor(resources: SchedulerResources, options: WorkerOptions = {}) {
    this.#r = resources;
    this.#o = resolveWorkerOptions(options);
    this.id = resources.workerId;
    this.#logs = new LogBuffer((chunks) => resources.store.appendLogs(chunks));
  }

  get activeCount(): number {
    return this.#active.size;
  }

  async start(): Promise<void> {
    if (this.#state !== "new") throw new Error("a worker can only be started once");
    this.#state = "running";
    const { store, clock } = this.#r;
    await store.registerWorker({
      id: this.id,
      host: this.#r.host,
      pid: this.#r.pid,
      queues: this.#o.queues ?? [],
      handlers: this.#o.handlers,
      concurrency: this.#o.concurrency,
      now: clock.now(),
    });
    this.#unsubscribe = store.onChange(() => this.wake());
    this.#every(this.#o.pollMs, () => {
      this.#pump();
      return this.#stopCancelled();
    });
    this.#every(this.#o.heartbeatMs, () => this.#heartbeat());
    this.#every(Math.min(this.#o.deadWorkerCheckMs, this.#o.reclaimMs), () => this.#recover());
    this.#every(this.#o.logFlushMs, () => this.#logs.flush());
    await this.#recover();
    this.#pump();
  }

  /**
   * Something this process committed may have made work claimable (a run created, a task retried, a queue
   * resumed). One claim follows on the next turn of the event loop, unless one starts before that: it reads
   * the store after the commit, so it covers the wake-up. Any number of wake-ups in a turn cost one claim.
   */
  wake(): void {
    if (this.#wakeScheduled || this.#state !== "running") return;
    this.#wakeScheduled = true;
    const claimsBefore = this.#claimsStarted;
    setImmediate(() => {
      this.#wakeScheduled = false;
      if (this.#claimsStarted === claimsBefore) this.#pump();
    });
  }

  /** Stops the attempts of a run now (the run was cancelled in this process). */
  abortRun(runId: string): void {
    for (const attempt of this.#active.values()) {
      if (attempt.claimed.runId === runId) this.#stopAttempt(attempt, "cancelled");
    }
  }

  /** Stops claiming, lets running attempts finish for `shutdownGraceMs`, then stops and releases the rest. */
  async stop(options: { graceMs?: number } = {}): Promise<void> {
    if (this.#state === "stopped" || this.#state === "new") {
      this.#state = "stopped";
      return;
    }
    this.#state = "stopping";
    this.#unsubscribe?.();
    // A claim that is on its way may still lease task runs: they must be run (or released) by this stop, not
    // left leased to a worker that has gone (until their leases expire), nor claimed on a closed store.
    await this.#pumpDone;
    await this.#retryLook;
    const graceMs = options.graceMs ?? this.#o.shutdownGraceMs;
    if (this.#active.size > 0) {
      const grace = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        timer.unref();
      });
      await Promise.race([this.#whenIdle(), grace]);
      for (const attempt of this.#active.values()) this.#stopAttempt(attempt, "shutdown");
      await this.#whenIdle();
    }
    for (const timer of this.#timers) clearInterval(timer);
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    await this.#logs.flush();
    await this.#r.store.stopWorker(this.id, this.#r.clock.now());
    this.#state = "stopped";
  }

  #every(ms: number, fn: () => unknown): void {
    const timer = setInterval(() => {
      Promise.resolve(fn()).catch((error: unknown) =>
        logRetriedFailure(this.#r.logger, error, "worker timer failed"),
      );
    }, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  #whenIdle(): Promise<void> {
    if (this.#active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Claim system: fills free slots until the store has nothing more to give. Re-entrant calls coalesce. */
  #pump(): void {
    if (this.#state !== "running") return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    this.#pumpDone = this.#claimUntilFull()
      .catch((error: unknown) => {
        if (error instanceof DatabaseUnavailableError) this.#claimsUncertain = true;
        logRetriedFailure(this.#r.logger, error, "claim failed");
      })
      .finally(() => {
        this.#pumping = false;
        // A wake-up that arrived after the loop's last check must not be lost.
        if (this.#pumpAgain) this.#pump();
      });
  }

  async #claimUntilFull(): Promise<void> {
    const { store } = this.#r;
    do {
      this.#pumpAgain = false;
      if (this.#claimsUncertain) await this.#releaseUnknownClaims();
      const next = this.#nextClaim(0);
      if (!next) return;
      this.#claimsStarted++;
      if (this.#claimed(await store.claimTaskRuns(next), next)) this.#pumpAgain = true;
      else this.#armRetryTimer();
    } while (this.#pumpAgain);
  }

  /**
   * The claim that would fill the free slots, or null when there are none (or the worker is stopping).
   * `freeing`: attempts whose results are recorded before this claim, in its transaction.
   */
  #nextClaim(freeing: number): ClaimInput | null {
    const free = this.#o.concurrency - (this.#active.size - freeing);
    if (free <= 0 || this.#state !== "running") return null;
    return {
      workerId: this.id,
      limit: free,
      leaseMs: this.#o.leaseMs,
      now: this.#r.clock.now(),
      ...(this.#o.runId ? { runId: this.#o.runId } : {}),
      ...(this.#o.queues ? { queues: this.#o.queues } : {}),
      ...(this.#o.handlers.length > 0 ? { handlers: this.#o.handlers } : {}),
    };
  }

  /** Starts what a claim leased; returns whether it filled every slot it asked for (more may be ready). */
  #claimed(claimed: ClaimedTaskRun[], claim: ClaimInput): boolean {
    for (const task of claimed) this.#execute(task);
    return claimed.length === claim.limit;
  }

  /** Gives back leases this worker holds but does not run (claims whose answer was lost), uncounted. */
  async #releaseUnknownClaims(): Promise<void> {
    const { store, clock, logger } = this.#r;
    const unknown = (await store.leasedTaskRuns(this.id)).filter((id) => !this.#active.has(id));
    if (unknown.length > 0) {
      await store.releaseTaskRuns(this.id, unknown, clock.now());
      logger.info({ taskRunIds: unknown }, "gave back claims whose answer was lost with the connection");
    }
    this.#claimsUncertain = false;
  }

  /**
   * Wakes the claim system when the earliest backoff ends, so retries do not wait for the poll. Not awaited by
   * the claim system, which is free for the next claim meanwhile (a completion's, above all); only the newest
   * look sets the timer.
   */
  #armRetryTimer(): void {
    const look = ++this.#retryLooks;
    const now = this.#r.clock.now();
    this.#retryLook = this.#r.store.nextAvailableAt(now, this.#o.runId).then(
      (at) => {
        if (look === this.#retryLooks) this.#setRetryTimer(at, now);
      },
      (error: unknown) => logRetriedFailure(this.#r.logger, error, "reading the next retry time failed"),
    );
  }

  #setRetryTimer(at: number | null, now: number): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    if (at === null) return;
    this.#retryTimer = setTimeout(() => this.#pump(), Math.max(0, at - now) + 1);
    this.#retryTimer.unref();
  }

  /**
   * Execute system: one attempt, whose report goes to the completion system. A task with `cache` first looks
   * for a stored output of its key; a hit completes the attempt with it, and the executor is not called.
   */
  #execute(claimed: ClaimedTaskRun): void {
    const attempt: ActiveAttempt = { claimed, controller: new AbortController(), stopCause: null };
    this.#active.set(claimed.id, attempt);
    if (!claimed.definition.cache) {
      this.#run(attempt, null);
      return;
    }
    const { clock, store, logger } = this.#r;
    void checkOutputCache(store, claimed, clock.now(), logger).then((cache) => {
      if (cache?.hit) {
        this.#logs.push({
          taskRunId: claimed.id,
          attempt: claimed.attempt,
          stream: "system",
          text: cacheHitLogLine({ ...cache, hit: cache.hit }),
          at: clock.now(),
        });
        this.#finished(attempt, cachedReport(cache.hit), cache);
      } else this.#run(attempt, cache);
    });
  }

  #run(attempt: ActiveAttempt, cache: AttemptCacheUse | null): void {
    const { claimed } = attempt;
    const { clock } = this.#r;
    this.#r
      .execute({
        runId: claimed.runId,
        planSlug: claimed.planSlug,
        taskKey: claimed.taskKey,
        attempt: claimed.attempt,
        definition: claimed.definition,
        params: claimed.params,
        upstream: claimed.upstream,
        ...(claimed.point ? { point: claimed.point } : {}),
        baseDir: claimed.baseDir,
        signal: attempt.controller.signal,
        ownerId: this.id,
        killGraceMs: this.#o.killGraceMs,
        heartbeat: () => this.#extendLease(attempt),
        onLog: (stream, text) => {
          const full = this.#logs.push({
            taskRunId: claimed.id,
            attempt: claimed.attempt,
            stream,
            text,
            at: clock.now(),
          });
          if (full) void this.#logs.flush();
        },
      })
      .catch(
        (error: unknown): ExecutionResult => ({
          status: "failed",
          exitCode: null,
          outputText: null,
          outputJson: null,
          error: `executor crashed: ${error instanceof Error ? error.message : String(error)}`,
          reason: "error",
          durationMs: 0,
        }),
      )
      .then((report) => this.#finished(attempt, report, cache));
  }

  #finished(attempt: ActiveAttempt, report: ExecutionResult, cache: AttemptCacheUse | null): void {
    const { claimed } = attempt;
    if (attempt.stopCause === "lease_lost") {
      // Someone else owns this task run now; recording anything would double-complete it.
      this.#settle(claimed.id);
      return;
    }
    if (attempt.stopCause === "shutdown") {
      this.#releases.push(claimed.id);
    } else {
      const decided =
        attempt.stopCause === "cancelled"
          ? ({ status: "cancelled", exitCode: report.exitCode, error: "run cancelled" } as const)
          : decideOutcome(claimed, report, this.#r.clock.now(), this.#r.random);
      // A success of a cached task either came from the cache or is stored in it.
      const outcome = cache && decided.status === "succeeded" ? { ...decided, cache } : decided;
      this.#completions.push({ taskRunId: claimed.id, attempt: claimed.attempt, workerId: this.id, outcome });
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => void this.#flushCompletions());
    }
  }

  /**
   * Complete system: everything finished in this tick is recorded in one transaction. Unless a claim is on its
   * way already, the claim of the slots that frees rides in that transaction (`completeTaskRuns`'s `next`): a
   * dependent the batch made ready is leased with it and starts as soon as it commits.
   */
  async #flushCompletions(): Promise<void> {
    this.#flushScheduled = false;
    const batch = this.#completions;
    const releases = this.#releases;
    this.#completions = [];
    this.#releases = [];
    const { store, clock, logger } = this.#r;
    // The claim system is held while the claim rides here, as if it were one of its own (`stop()` waits too).
    // Not with releases (a shutdown's): nothing may fail between the claim's answer and starting what it leased.
    const rides = batch.length > 0 && releases.length === 0 && !this.#pumping && !this.#claimsUncertain;
    const next = rides ? this.#nextClaim(batch.length) : null;
    let claimDone = () => {};
    if (next) {
      this.#pumping = true;
      this.#pumpDone = new Promise((resolve) => {
        claimDone = resolve;
      });
    }
    const endClaim = () => {
      this.#pumping = false;
      claimDone();
    };
    let claimed: ClaimedTaskRun[] = [];
    try {
      // Logs first, so a finished task's output is complete when its status says so.
      await this.#logs.flush();
      if (batch.length > 0) {
        // One instant for both: what the claim starts does not start before what the batch ended.
        const now = clock.now();
        const result = await store.completeTaskRuns(batch, now, next ? { ...next, now } : undefined);
        // Counted once it is done, so that the wake-up the batch's own commit sent meanwhile is void: the claim
        // read the store after that commit's changes, in the same transaction.
        if (next) this.#claimsStarted++;
        claimed = result.claimed;
        for (const id of result.stale) {
          // A retried recording whose first try may have committed finds its own result: nothing was lost.
          if (this.#completionsUncertain.has(id))
            logger.debug({ taskRunId: id }, "completion already recorded");
          else logger.warn({ taskRunId: id }, "lease was lost before completion");
        }
        for (const { taskRunId } of batch) this.#completionsUncertain.delete(taskRunId);
      }
      if (releases.length > 0) await store.releaseTaskRuns(this.id, releases, clock.now());
    } catch (error) {
      if (error instanceof DatabaseUnavailableError) {
        for (const { taskRunId } of batch) this.#completionsUncertain.add(taskRunId);
        // The claim's COMMIT may have reached the server with the answer lost (see `#claimsUncertain`).
        if (next) this.#claimsUncertain = true;
      }
      logRetriedFailure(logger, error, "recording results failed; retrying in 1s");
      this.#completions.push(...batch);
      this.#releases.push(...releases);
      setTimeout(() => void this.#flushCompletions(), 1000).unref();
      if (next) {
        endClaim();
        if (this.#pumpAgain) this.#pump();
      }
      return;
    }
    for (const result of batch) this.#settle(result.taskRunId);
    for (const id of releases) this.#settle(id);
    if (!next) {
      this.#pump();
      return;
    }
    endClaim();
    // Anything that woke the claim system meanwhile, or a claim that filled every slot, asks for another round.
    if (this.#claimed(claimed, next) || this.#pumpAgain) this.#pump();
    else this.#armRetryTimer();
  }

  #settle(taskRunId: number): void {
    this.#active.delete(taskRunId);
    if (this.#active.size === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  #stopAttempt(attempt: ActiveAttempt, cause: StopCause): void {
    if (attempt.stopCause !== null) return;
    attempt.stopCause = cause;
    attempt.controller.abort(cause);
  }

  /** Heartbeat system: leases, lost claims and cancel requests of other processes. */
  async #heartbeat(): Promise<void> {
    const { store, clock } = this.#r;
    const now = clock.now();
    await store.heartbeatWorker(this.id, now);
    const running = [...this.#active.values()].filter((a) => a.stopCause === null).map((a) => a.claimed.id);
    if (running.length === 0) return;
    const lost = await store.heartbeat(this.id, running, this.#o.leaseMs, now);
    for (const id of lost) {
      const attempt = this.#active.get(id);
      if (attempt) this.#stopAttempt(attempt, "lease_lost");
    }
    await this.#stopCancelled();
  }

  /**
   * Extends one attempt's lease now (a function handler's `ctx.heartbeat()`), stopping the attempt when the
   * lease turns out lost. Never rejects: a failure is retried by the regular heartbeat.
   */
  async #extendLease(attempt: ActiveAttempt): Promise<void> {
    if (attempt.stopCause !== null || this.#state === "stopped") return;
    const { store, clock, logger } = this.#r;
    try {
      const lost = await store.heartbeat(this.id, [attempt.claimed.id], this.#o.leaseMs, clock.now());
      if (lost.includes(attempt.claimed.id)) this.#stopAttempt(attempt, "lease_lost");
    } catch (error) {
      logRetriedFailure(logger, error, "heartbeat of one attempt failed");
    }
  }

  /**
   * Cancel requests made by another process (the dashboard, `taskloom` in another shell) reach this worker on
   * the poll tick, not only on the slower heartbeat, so Cancel feels immediate. One indexed query, and only
   * while something runs.
   */
  async #stopCancelled(): Promise<void> {
    const running = [...this.#active.values()].filter((a) => a.stopCause === null).map((a) => a.claimed.id);
    if (running.length === 0) return;
    for (const id of await this.#r.store.cancelRequested(running)) {
      const attempt = this.#active.get(id);
      if (attempt) this.#stopAttempt(attempt, "cancelled");
    }
  }

  /**
   * Recovery system. Dead workers on this host (process gone) are found every `deadWorkerCheckMs`: their
   * leftover attempt processes are ended first, then their leases are taken back, so the re-run never
   * overlaps a copy on this host. Expired leases are taken back every `reclaimMs`.
   */
  async #recover(): Promise<void> {
    const { store, clock } = this.#r;
    const now = clock.now();
    await this.#pruneWorkers(now);
    const deadWorkerIds = (
      await store.findDeadWorkers({
        staleBefore: now - this.#o.leaseMs,
        host: this.#r.host,
        isPidAlive: this.#r.isPidAlive,
      })
    ).filter((id) => id !== this.id);
    const expiryDue = now - this.#lastExpiryReclaimAt >= this.#o.reclaimMs;
    if (deadWorkerIds.length === 0 && !expiryDue) return;
    if (deadWorkerIds.length > 0) await this.#r.endAttemptsOf?.(deadWorkerIds);
    this.#lastExpiryReclaimAt = now;
    const reclaimed = await store.reclaimExpiredLeases(clock.now(), {
      deadWorkerIds,
      maxLostLeases: this.#o.maxLostLeases,
    });
    if (reclaimed > 0) {
      this.#r.logger.info({ reclaimed, deadWorkerIds }, "took back lost leases");
      this.#pump();
    }
  }

  /**
   * Retention: the registry forgets workers last seen more than `workerRetentionMs` ago (stopped ones, and ones
   * killed with kill -9, which would stay "lost" forever), at most once per hour or per retention if shorter.
   * Any worker may do it: the delete is one statement and forgetting twice is harmless.
   */
  async #pruneWorkers(now: number): Promise<void> {
    const retention = this.#o.workerRetentionMs;
    if (now - this.#lastPruneAt < Math.min(PRUNE_EVERY_MS, retention)) return;
    this.#lastPruneAt = now;
    const forgotten = await this.#r.store.pruneWorkers(now - retention);
    if (forgotten.length > 0) {
      this.#r.logger.info(
        { workerIds: forgotten, retentionMs: retention },
        "forgot workers not seen within the retention",
      );
    }
  }
}
