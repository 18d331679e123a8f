import { randomBytes } from "node:crypto";
import {
  type ApprovalDecisionInput,
  type ApprovalDecisionResult,
  type ApprovalStore,
  type AttemptResult,
  type CachedOutput,
  type CacheLookup,
  type ClaimedTaskRun,
  type ClaimInput,
  type CompletionBatchResult,
  type CreatedRun,
  type CreateRunInput,
  type EventRecord,
  type EventStore,
  type ImportPlanOptions,
  type ImportPlanResult,
  type LogChunkInput,
  NotFoundError,
  type OperatorAudit,
  type OperatorStore,
  type PlanDefinition,
  type QueuedSelection,
  type QueuedTaskRun,
  type QueueSettings,
  type QueueStore,
  type ReclaimOptions,
  type RetryDefinition,
  type RunStatus,
  type RunStore,
  type SchedulerStore,
  type TaskActionInput,
  type WaitingApproval,
  type WorkerRegistration,
} from "@taskloom/core";
import type pg from "pg";
import { defaultNewId, type NewId } from "../new-id.ts";
import { appendLogChunks } from "./append-log-chunks.ts";
import { applyTaskAction } from "./apply-task-action.ts";
import { cancelQueuedTaskRuns } from "./cancel-queued-task-runs.ts";
import { ChangeListener, changeNotification } from "./change-notifications.ts";
import { moveQueuedTaskRuns, rescheduleQueuedTaskRuns } from "./change-queued-task-runs.ts";
import { claimTaskRuns } from "./claim-task-runs.ts";
import { finalizeRuns, recordTaskRunResults } from "./complete-task-runs.ts";
import type { ConnectionMonitor } from "./connection-monitor.ts";
import { createRun } from "./create-run.ts";
import { decideApproval } from "./decide-approval.ts";
import { EventHorizon } from "./event-horizon.ts";
import { bufferEvents, commitWithEvents } from "./event-writer.ts";
import { findCachedOutput } from "./find-cached-output.ts";
import { heartbeatLeases } from "./heartbeat-leases.ts";
import { importPlan, placeTasks } from "./import-plan.ts";
import type { LeaseClock } from "./lease-clock.ts";
import { listWaitingApprovals } from "./list-waiting-approvals.ts";
import { peekQueue } from "./peek-queue.ts";
import { pruneWorkers } from "./prune-workers.ts";
import { configureQueue, listQueues } from "./queue-settings.ts";
import { lastEventId, readEvents } from "./read-events.ts";
import { reclaimExpiredLeases } from "./reclaim-expired-leases.ts";
import { releaseTaskRuns } from "./release-task-runs.ts";
import { requestCancel } from "./request-cancel.ts";
import { retryTaskRun } from "./retry-task-run.ts";
import { epochMs, type Queryable, withTransaction } from "./transaction.ts";
import { findDeadWorkers, heartbeatWorker, registerWorker, stopWorker } from "./worker-registry.ts";

export interface PostgresStoreOptions {
  /** Ids of plans, tasks and runs. Default `defaultNewId`. */
  newId?: NewId;
  /** Which clock judges leases (see `lease-clock.ts`). Default `database`. */
  leaseClock?: LeaseClock;
  /**
   * Connection settings for the dedicated LISTEN connection that hears other processes' commits. Default none:
   * `onChange` hears only this process, and other processes' commits are found by polling.
   */
  listen?: pg.ClientConfig;
  /**
   * The monitor of the pool's connections (see `connection-monitor.ts`): when it finds the server again, the
   * store reports a change, so workers claim at once rather than at their next poll. Default none.
   */
  connections?: ConnectionMonitor;
}

/**
 * The PostgreSQL implementation of the storage ports, over one `pg.Pool` (which it owns: `close()` ends it).
 * Every operation that writes runs in one transaction on one pooled connection (see the one-file-per-operation
 * modules beside this one), with the same transitions and events as the SQLite store for the same calls.
 *
 * Wake-ups: a transaction that makes work claimable also sends `NOTIFY taskloom` (one per transaction), and
 * `onChange` listeners hear this process's commits at once and, with `listen` set, other processes' commits
 * through a dedicated LISTEN connection, opened when the first listener subscribes.
 */
export class PostgresStore
  implements SchedulerStore, RunStore, EventStore, QueueStore, OperatorStore, ApprovalStore
{
  readonly pool: pg.Pool;
  readonly leaseClock: LeaseClock;
  readonly #newId: NewId;
  readonly #listeners = new Set<() => void>();
  /** This store's NOTIFY payload, so that its own notifications are not heard twice. */
  readonly #source = randomBytes(8).toString("hex");
  readonly #listenConfig: pg.ClientConfig | null;
  #listener: ChangeListener | null = null;
  /** Runs this store saw started (runs never go back to `queued`): their claims need not try to start them. */
  readonly #startedRuns = new Set<string>();
  /** How far this process's readers of the event log may read (see `EventHorizon`). */
  readonly #eventHorizon = new EventHorizon();
  #closed = false;
  readonly #connections: ConnectionMonitor | null;
  readonly #unwatchConnections: () => void;

  constructor(pool: pg.Pool, options: PostgresStoreOptions = {}) {
    this.pool = pool;
    this.#newId = options.newId ?? defaultNewId;
    this.leaseClock = options.leaseClock ?? "database";
    this.#listenConfig = options.listen ?? null;
    this.#connections = options.connections ?? null;
    // Whatever was committed while this process could not read is claimable now.
    this.#unwatchConnections =
      this.#connections?.subscribe({ lost: () => {}, restored: () => this.#changed() }) ?? (() => {});
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  /**
   * Runs `work` in a transaction whose events are inserted in one statement at its end, with a notification of
   * other processes when `claimable(result)`; this process's listeners hear it after the commit.
   */
  async #write<T>(work: (client: Queryable) => Promise<T>, claimable: (result: T) => boolean = () => true) {
    const { result } = await withTransaction(
      this.pool,
      async (client) => {
        const buffer = bufferEvents(client);
        return { result: await work(buffer), buffer };
      },
      (_client, { result, buffer }) =>
        commitWithEvents(buffer, claimable(result) ? changeNotification(this.#source) : null),
    );
    if (claimable(result)) this.#changed();
    return result;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    if (this.#listenConfig && !this.#listener && !this.#closed) {
      this.#listener = new ChangeListener({
        config: this.#listenConfig,
        source: this.#source,
        onChange: () => this.#changed(),
      });
    }
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once the LISTEN connection listens (tests that need another process's wake-up wait for it). */
  async listening(): Promise<void> {
    await this.#listener?.ready();
  }

  async claimTaskRuns(input: ClaimInput): Promise<ClaimedTaskRun[]> {
    // A claim makes nothing claimable: no notification.
    const { claimed, startedRuns } = await this.#write(
      (client) => this.#claimIn(client, input),
      () => false,
    );
    this.#sawStarted(startedRuns);
    return claimed;
  }

  async completeTaskRuns(
    results: AttemptResult[],
    now: number,
    next?: ClaimInput,
  ): Promise<CompletionBatchResult> {
    if (results.length === 0 && !next) return { recorded: [], stale: [], finishedRuns: [], claimed: [] };
    const { batch, claim } = await this.#write(
      async (client) => {
        const recorded = results.length > 0 ? await recordTaskRunResults(client, results, now) : null;
        const claim = next ? await this.#claimIn(client, next) : null;
        // A run of which the claim took a task run has not ended (see `finalizeRuns`).
        const claimedRuns = new Set(claim?.claimed.map((run) => run.runId));
        const batch = recorded ? await finalizeRuns(client, recorded, now, claimedRuns) : null;
        return { batch, claim };
      },
      ({ batch }) => (batch?.recorded.length ?? 0) > 0,
    );
    this.#sawStarted(claim?.startedRuns ?? []);
    return { ...(batch ?? { recorded: [], stale: [], finishedRuns: [] }), claimed: claim?.claimed ?? [] };
  }

  #claimIn(client: Queryable, input: ClaimInput) {
    return claimTaskRuns(client, input, { leaseClock: this.leaseClock, startedRuns: this.#startedRuns });
  }

  /** Only after the commit: a rolled-back claim did not start anything. */
  #sawStarted(startedRuns: string[]): void {
    for (const runId of startedRuns) {
      if (this.#startedRuns.size >= 1024) this.#startedRuns.clear();
      this.#startedRuns.add(runId);
    }
  }

  async heartbeat(workerId: string, taskRunIds: number[], leaseMs: number, now: number): Promise<number[]> {
    if (taskRunIds.length === 0) return [];
    return heartbeatLeases(this.pool, this.leaseClock, { workerId, taskRunIds, leaseMs, now });
  }

  async reclaimExpiredLeases(now: number, opts: ReclaimOptions = {}): Promise<number> {
    return this.#write(
      (client) => reclaimExpiredLeases(client, this.leaseClock, now, opts),
      (count) => count > 0,
    );
  }

  async releaseTaskRuns(workerId: string, taskRunIds: number[], now: number): Promise<void> {
    if (taskRunIds.length === 0) return;
    await this.#write(
      (client) => releaseTaskRuns(client, workerId, taskRunIds, now),
      (count) => count > 0,
    );
  }

  async nextAvailableAt(now: number, runId?: string): Promise<number | null> {
    // A retry's backoff, or a rescheduled task run's `not_before` (`task_runs_not_before_idx`).
    const { rows } = await this.pool.query<{ at: Date | null }>(
      `SELECT least(
         (SELECT min(available_at) FROM task_runs
           WHERE status = 'retrying' AND available_at > $1 AND ($2::text IS NULL OR run_id = $2)),
         (SELECT min(not_before) FROM task_runs
           WHERE not_before > $1 AND status = 'ready' AND ($2::text IS NULL OR run_id = $2))) AS at`,
      [new Date(now), runId ?? null],
    );
    const next = rows[0]?.at;
    return next ? epochMs(next) : null;
  }

  async leasedTaskRuns(workerId: string): Promise<number[]> {
    const { rows } = await this.pool.query<{ id: number }>(
      "SELECT id FROM task_runs WHERE status = 'running' AND lease_owner = $1 ORDER BY id",
      [workerId],
    );
    return rows.map((row) => row.id);
  }

  async cancelRequested(taskRunIds: number[]): Promise<number[]> {
    if (taskRunIds.length === 0) return [];
    const { rows } = await this.pool.query<{ id: number }>(
      `SELECT t.id FROM task_runs t JOIN runs r ON r.id = t.run_id
        WHERE t.id = ANY($1::int[]) AND (r.cancel_requested_at IS NOT NULL OR t.status = 'cancelled')
        ORDER BY t.id`,
      [taskRunIds],
    );
    return rows.map((row) => row.id);
  }

  async appendLogs(chunks: LogChunkInput[]): Promise<void> {
    if (chunks.length > 0) await withTransaction(this.pool, (client) => appendLogChunks(client, chunks));
  }

  async registerWorker(worker: WorkerRegistration): Promise<void> {
    await registerWorker(this.pool, worker);
  }

  async heartbeatWorker(workerId: string, now: number): Promise<void> {
    await heartbeatWorker(this.pool, workerId, now);
  }

  async stopWorker(workerId: string, now: number): Promise<void> {
    await stopWorker(this.pool, workerId, now);
  }

  async findDeadWorkers(input: {
    staleBefore: number;
    host: string;
    isPidAlive(pid: number, since: number): boolean;
  }): Promise<string[]> {
    return findDeadWorkers(this.pool, this.leaseClock, input);
  }

  async pruneWorkers(seenBefore: number): Promise<string[]> {
    return pruneWorkers(this.pool, seenBefore);
  }

  async importPlan(definition: PlanDefinition, opts: ImportPlanOptions): Promise<ImportPlanResult> {
    return this.#write(
      (client) => importPlan(client, this.#newId, definition, opts),
      (result) => result.changed,
    );
  }

  async getTaskPositions(planSlug: string): Promise<Record<string, { x: number; y: number }>> {
    const { rows } = await this.pool.query<{ key: string; position_x: number; position_y: number }>(
      `SELECT t.key, t.position_x, t.position_y FROM tasks t JOIN plans p ON p.id = t.plan_id
        WHERE p.slug = $1 AND t.position_x IS NOT NULL AND t.position_y IS NOT NULL ORDER BY t.position`,
      [planSlug],
    );
    return Object.fromEntries(rows.map((row) => [row.key, { x: row.position_x, y: row.position_y }]));
  }

  async setTaskPositions(
    planSlug: string,
    positions: { key: string; x: number; y: number }[],
  ): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ id: string }>("SELECT id FROM plans WHERE slug = $1", [planSlug]);
      const plan = rows[0];
      if (!plan) throw new NotFoundError("plan", planSlug);
      await placeTasks(client, plan.id, positions);
    });
  }

  async getPlanDefinition(
    slug: string,
  ): Promise<{ definition: PlanDefinition; baseDir: string | null; version: number }> {
    const { rows } = await this.pool.query<{
      definition_json: string;
      base_dir: string | null;
      version: number;
    }>("SELECT definition_json, base_dir, version FROM plans WHERE slug = $1", [slug]);
    const row = rows[0];
    if (!row) throw new NotFoundError("plan", slug);
    return {
      definition: JSON.parse(row.definition_json) as PlanDefinition,
      baseDir: row.base_dir,
      version: row.version,
    };
  }

  async createRun(input: CreateRunInput): Promise<CreatedRun> {
    return this.#write((client) => createRun(client, this.#newId, input));
  }

  async requestCancel(runId: string, now: number): Promise<{ status: RunStatus }> {
    return this.#write((client) => requestCancel(client, runId, now));
  }

  async getRunStatus(runId: string): Promise<RunStatus> {
    const { rows } = await this.pool.query<{ status: RunStatus }>("SELECT status FROM runs WHERE id = $1", [
      runId,
    ]);
    const row = rows[0];
    if (!row) throw new NotFoundError("run", runId);
    return row.status;
  }

  async retryTaskRun(
    runId: string,
    taskKey: string,
    now: number,
    definition: RetryDefinition = "current",
    audit?: OperatorAudit,
  ): Promise<void> {
    await this.#write((client) => retryTaskRun(client, runId, taskKey, now, definition, audit));
  }

  async applyTaskAction(input: TaskActionInput): Promise<void> {
    // A resolve or skip releases dependents; a cancel must reach the worker running the task.
    await this.#write((client) => applyTaskAction(client, input));
  }

  async decideApproval(input: ApprovalDecisionInput): Promise<ApprovalDecisionResult> {
    // An approval releases its dependents (a rejection changes nothing claimable; the notice is harmless).
    return this.#write((client) => decideApproval(client, input));
  }

  async listWaitingApprovals(filter?: { runId?: string }): Promise<WaitingApproval[]> {
    return listWaitingApprovals(this.pool, filter);
  }

  async findCachedOutput(lookup: CacheLookup): Promise<CachedOutput | null> {
    return findCachedOutput(this.pool, lookup);
  }

  async readEvents(input: { afterId: number; runId?: string; limit: number }): Promise<EventRecord[]> {
    return readEvents(this.pool, this.#eventHorizon, input);
  }

  async lastEventId(): Promise<number> {
    return lastEventId(this.pool, this.#eventHorizon);
  }

  async listQueues(): Promise<(QueueSettings & { ready: number; running: number })[]> {
    return listQueues(this.pool);
  }

  async configureQueue(
    name: string,
    change: { concurrency?: number | null; paused?: boolean },
  ): Promise<QueueSettings> {
    // A resumed queue or a raised limit makes work claimable.
    return this.#write((client) => configureQueue(client, name, change));
  }

  async peekQueue(queue: string, opts: { limit: number; now: number }): Promise<QueuedTaskRun[]> {
    return peekQueue(this.pool, queue, opts);
  }

  async moveQueuedTaskRuns(selection: QueuedSelection, toQueue: string, now: number): Promise<number[]> {
    // The new queue may have room, or a worker that serves it.
    return this.#write(
      (client) => moveQueuedTaskRuns(client, selection, toQueue, now),
      (moved) => moved.length > 0,
    );
  }

  async rescheduleQueuedTaskRuns(
    selection: QueuedSelection,
    notBefore: number | null,
    now: number,
  ): Promise<number[]> {
    // Workers recompute their next wake-up (`nextAvailableAt`) when they hear of a change.
    return this.#write(
      (client) => rescheduleQueuedTaskRuns(client, selection, notBefore, now),
      (changed) => changed.length > 0,
    );
  }

  async cancelQueuedTaskRuns(selection: QueuedSelection, now: number): Promise<number[]> {
    return this.#write((client) => cancelQueuedTaskRuns(client, selection, now));
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    if (this.#closed) return;
    this.#closed = true;
    this.#unwatchConnections();
    this.#connections?.close();
    await this.#listener?.close();
    await this.pool.end();
  }
}
