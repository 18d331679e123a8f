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
  type RecordedBatch,
  type RetryDefinition,
  type RunStatus,
  type RunStore,
  type SchedulerStore,
  type TaskActionInput,
  type WaitingApproval,
  type WorkerRegistration,
} from "@taskloom/core";
import { defaultNewId, type NewId } from "../new-id.ts";
import { prepareAppendLogChunks } from "./append-log-chunks.ts";
import { prepareApplyTaskAction } from "./apply-task-action.ts";
import { prepareCancelQueuedTaskRuns } from "./cancel-queued-task-runs.ts";
import { prepareChangeQueuedTaskRuns } from "./change-queued-task-runs.ts";
import { prepareClaimTaskRuns } from "./claim-task-runs.ts";
import { prepareCompleteTaskRuns } from "./complete-task-runs.ts";
import { prepareCreateRun } from "./create-run.ts";
import { prepareDecideApproval } from "./decide-approval.ts";
import { prepareFindCachedOutput } from "./find-cached-output.ts";
import { prepareHeartbeatLeases } from "./heartbeat-leases.ts";
import { prepareImportPlan } from "./import-plan.ts";
import { prepareListWaitingApprovals } from "./list-waiting-approvals.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";
import { preparePeekQueue } from "./peek-queue.ts";
import { preparePruneWorkers } from "./prune-workers.ts";
import { prepareQueueSettings } from "./queue-settings.ts";
import { prepareReadEvents } from "./read-events.ts";
import { prepareReclaimExpiredLeases } from "./reclaim-expired-leases.ts";
import { prepareReleaseTaskRuns } from "./release-task-runs.ts";
import { prepareRequestCancel } from "./request-cancel.ts";
import { prepareRetryTaskRun } from "./retry-task-run.ts";
import { prepareTaskRunTransitions } from "./task-run-transitions.ts";
import { prepareWorkerRegistry } from "./worker-registry.ts";

export { defaultNewId };

/**
 * The SQLite implementation of the storage ports. Every operation is synchronous better-sqlite3 work inside
 * one transaction (see the one-file-per-operation modules); the async signatures are the ports' contract,
 * shared with the PostgreSQL store. A synchronous transaction cannot interleave with another one in this
 * process, which is what makes the claim/complete protocol race-free here.
 */
export class SqliteStore
  implements SchedulerStore, RunStore, EventStore, QueueStore, OperatorStore, ApprovalStore
{
  readonly db: SqliteDatabase;
  readonly #listeners = new Set<() => void>();
  readonly #claim: (input: ClaimInput) => ClaimedTaskRun[];
  readonly #complete: (results: AttemptResult[], now: number) => RecordedBatch;
  readonly #heartbeat: ReturnType<typeof prepareHeartbeatLeases>;
  readonly #reclaim: ReturnType<typeof prepareReclaimExpiredLeases>;
  readonly #release: ReturnType<typeof prepareReleaseTaskRuns>;
  readonly #appendLogs: ReturnType<typeof prepareAppendLogChunks>;
  readonly #workers: ReturnType<typeof prepareWorkerRegistry>;
  readonly #pruneWorkers: ReturnType<typeof preparePruneWorkers>;
  readonly #importPlan: ReturnType<typeof prepareImportPlan>;
  readonly #createRun: ReturnType<typeof prepareCreateRun>;
  readonly #requestCancel: ReturnType<typeof prepareRequestCancel>;
  readonly #retryTaskRun: ReturnType<typeof prepareRetryTaskRun>;
  readonly #applyTaskAction: ReturnType<typeof prepareApplyTaskAction>;
  readonly #findCachedOutput: ReturnType<typeof prepareFindCachedOutput>;
  readonly #decideApproval: ReturnType<typeof prepareDecideApproval>;
  readonly #listWaitingApprovals: ReturnType<typeof prepareListWaitingApprovals>;
  readonly #events: ReturnType<typeof prepareReadEvents>;
  readonly #queues: ReturnType<typeof prepareQueueSettings>;
  readonly #peekQueue: ReturnType<typeof preparePeekQueue>;
  readonly #changeQueued: ReturnType<typeof prepareChangeQueuedTaskRuns>;
  readonly #cancelQueued: ReturnType<typeof prepareCancelQueuedTaskRuns>;
  readonly #nextAvailable;
  readonly #nextAvailableOfRun;
  readonly #cancelRequested;
  readonly #leasedTaskRuns;
  readonly #planDefinition;
  readonly #runStatus;
  readonly #taskPositions;
  readonly #setPositions;

  constructor(db: SqliteDatabase, options: { newId?: NewId } = {}) {
    this.db = db;
    const newId = options.newId ?? defaultNewId;
    const transitions = prepareTaskRunTransitions(db);
    this.#claim = prepareClaimTaskRuns(db, transitions);
    this.#complete = prepareCompleteTaskRuns(db, transitions);
    this.#heartbeat = prepareHeartbeatLeases(db);
    this.#reclaim = prepareReclaimExpiredLeases(db, transitions);
    this.#release = prepareReleaseTaskRuns(db, transitions);
    this.#appendLogs = prepareAppendLogChunks(db);
    this.#workers = prepareWorkerRegistry(db);
    this.#pruneWorkers = preparePruneWorkers(db);
    this.#importPlan = prepareImportPlan(db, newId);
    this.#createRun = prepareCreateRun(db, newId, transitions);
    this.#requestCancel = prepareRequestCancel(db, transitions);
    this.#retryTaskRun = prepareRetryTaskRun(db, transitions);
    this.#applyTaskAction = prepareApplyTaskAction(db, transitions);
    this.#findCachedOutput = prepareFindCachedOutput(db);
    this.#decideApproval = prepareDecideApproval(db, transitions);
    this.#listWaitingApprovals = prepareListWaitingApprovals(db);
    this.#events = prepareReadEvents(db);
    this.#queues = prepareQueueSettings(db);
    this.#peekQueue = preparePeekQueue(db);
    this.#changeQueued = prepareChangeQueuedTaskRuns(db);
    this.#cancelQueued = prepareCancelQueuedTaskRuns(db, transitions);
    // A retry's backoff, or a rescheduled task run's `not_before` (`task_runs_not_before_idx`).
    this.#nextAvailable = db.prepare<{ now: number }, { at: number | null }>(
      `SELECT min(at) AS at FROM (
         SELECT min(available_at) AS at FROM task_runs WHERE status = 'retrying' AND available_at > @now
         UNION ALL
         SELECT min(not_before) FROM task_runs WHERE not_before > @now AND status = 'ready')`,
    );
    this.#nextAvailableOfRun = db.prepare<{ now: number; runId: string }, { at: number | null }>(
      `SELECT min(at) AS at FROM (
         SELECT min(available_at) AS at FROM task_runs
          WHERE run_id = @runId AND status = 'retrying' AND available_at > @now
         UNION ALL
         SELECT min(not_before) FROM task_runs WHERE not_before > @now AND run_id = @runId AND status = 'ready')`,
    );
    this.#leasedTaskRuns = db.prepare<[string], { id: number }>(
      "SELECT id FROM task_runs WHERE status = 'running' AND lease_owner = ? ORDER BY id",
    );
    this.#cancelRequested = db.prepare<[string], { id: number }>(
      `SELECT t.id FROM task_runs t JOIN runs r ON r.id = t.run_id
        WHERE t.id IN (SELECT value FROM json_each(?))
          AND (r.cancel_requested_at IS NOT NULL OR t.status = 'cancelled')`,
    );
    this.#planDefinition = db.prepare<
      [string],
      { definition_json: string; base_dir: string | null; version: number }
    >("SELECT definition_json, base_dir, version FROM plans WHERE slug = ?");
    this.#runStatus = db.prepare<[string], { status: RunStatus }>("SELECT status FROM runs WHERE id = ?");
    this.#taskPositions = db.prepare<[string], { key: string; position_x: number; position_y: number }>(
      `SELECT t.key, t.position_x, t.position_y FROM tasks t JOIN plans p ON p.id = t.plan_id
        WHERE p.slug = ? AND t.position_x IS NOT NULL AND t.position_y IS NOT NULL`,
    );
    const setPosition = db.prepare(
      `UPDATE tasks SET position_x = ?, position_y = ?
        WHERE key = ? AND plan_id = (SELECT id FROM plans WHERE slug = ?)`,
    );
    this.#setPositions = db.transaction(
      (planSlug: string, positions: { key: string; x: number; y: number }[]) => {
        for (const p of positions) setPosition.run(p.x, p.y, p.key, planSlug);
      },
    );
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async claimTaskRuns(input: ClaimInput): Promise<ClaimedTaskRun[]> {
    return this.#claim(input);
  }

  async completeTaskRuns(
    results: AttemptResult[],
    now: number,
    next?: ClaimInput,
  ): Promise<CompletionBatchResult> {
    const outcome = this.#complete(results, now);
    // One writer: the claim's own transaction follows at once, with nothing to gain from sharing one.
    const claimed = next ? this.#claim(next) : [];
    if (outcome.recorded.length > 0) this.#changed();
    return { ...outcome, claimed };
  }

  async heartbeat(workerId: string, taskRunIds: number[], leaseMs: number, now: number): Promise<number[]> {
    return this.#heartbeat(workerId, taskRunIds, leaseMs, now);
  }

  async reclaimExpiredLeases(now: number, opts?: ReclaimOptions): Promise<number> {
    const count = this.#reclaim(now, opts);
    if (count > 0) this.#changed();
    return count;
  }

  async releaseTaskRuns(workerId: string, taskRunIds: number[], now: number): Promise<void> {
    this.#release(workerId, taskRunIds, now);
    if (taskRunIds.length > 0) this.#changed();
  }

  async nextAvailableAt(now: number, runId?: string): Promise<number | null> {
    const row = runId ? this.#nextAvailableOfRun.get({ runId, now }) : this.#nextAvailable.get({ now });
    return row?.at ?? null;
  }

  async leasedTaskRuns(workerId: string): Promise<number[]> {
    return this.#leasedTaskRuns.all(workerId).map((row) => row.id);
  }

  async cancelRequested(taskRunIds: number[]): Promise<number[]> {
    if (taskRunIds.length === 0) return [];
    return this.#cancelRequested.all(JSON.stringify(taskRunIds)).map((row) => row.id);
  }

  async appendLogs(chunks: LogChunkInput[]): Promise<void> {
    this.#appendLogs(chunks);
  }

  async registerWorker(worker: WorkerRegistration): Promise<void> {
    this.#workers.register(worker);
  }

  async heartbeatWorker(workerId: string, now: number): Promise<void> {
    this.#workers.heartbeat(workerId, now);
  }

  async stopWorker(workerId: string, now: number): Promise<void> {
    this.#workers.stop(workerId, now);
  }

  async findDeadWorkers(input: {
    staleBefore: number;
    host: string;
    isPidAlive(pid: number, since: number): boolean;
  }): Promise<string[]> {
    return this.#workers.findDead(input);
  }

  async pruneWorkers(seenBefore: number): Promise<string[]> {
    return this.#pruneWorkers(seenBefore);
  }

  async importPlan(definition: PlanDefinition, opts: ImportPlanOptions): Promise<ImportPlanResult> {
    const result = this.#importPlan(definition, opts);
    if (result.changed) this.#changed();
    return result;
  }

  async getTaskPositions(planSlug: string): Promise<Record<string, { x: number; y: number }>> {
    const rows = this.#taskPositions.all(planSlug);
    return Object.fromEntries(rows.map((row) => [row.key, { x: row.position_x, y: row.position_y }]));
  }

  async setTaskPositions(
    planSlug: string,
    positions: { key: string; x: number; y: number }[],
  ): Promise<void> {
    const plan = this.#planDefinition.get(planSlug);
    if (!plan) throw new NotFoundError("plan", planSlug);
    this.#setPositions(planSlug, positions);
  }

  async getPlanDefinition(
    slug: string,
  ): Promise<{ definition: PlanDefinition; baseDir: string | null; version: number }> {
    const row = this.#planDefinition.get(slug);
    if (!row) throw new NotFoundError("plan", slug);
    return {
      definition: JSON.parse(row.definition_json) as PlanDefinition,
      baseDir: row.base_dir,
      version: row.version,
    };
  }

  async createRun(input: CreateRunInput): Promise<CreatedRun> {
    const created = this.#createRun(input);
    this.#changed();
    return created;
  }

  async requestCancel(runId: string, now: number): Promise<{ status: RunStatus }> {
    const result = this.#requestCancel(runId, now);
    this.#changed();
    return result;
  }

  async getRunStatus(runId: string): Promise<RunStatus> {
    const row = this.#runStatus.get(runId);
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
    this.#retryTaskRun(runId, taskKey, now, definition, audit);
    this.#changed();
  }

  async applyTaskAction(input: TaskActionInput): Promise<void> {
    this.#applyTaskAction(input);
    // A resolve or skip releases dependents; a cancel must reach the worker running the task.
    this.#changed();
  }

  async decideApproval(input: ApprovalDecisionInput): Promise<ApprovalDecisionResult> {
    const result = this.#decideApproval(input);
    // An approval releases its dependents.
    this.#changed();
    return result;
  }

  async listWaitingApprovals(filter?: { runId?: string }): Promise<WaitingApproval[]> {
    return this.#listWaitingApprovals(filter);
  }

  async findCachedOutput(lookup: CacheLookup): Promise<CachedOutput | null> {
    return this.#findCachedOutput(lookup);
  }

  async readEvents(input: { afterId: number; runId?: string; limit: number }): Promise<EventRecord[]> {
    return this.#events.readEvents(input);
  }

  async lastEventId(): Promise<number> {
    return this.#events.lastEventId();
  }

  async listQueues(): Promise<(QueueSettings & { ready: number; running: number })[]> {
    return this.#queues.list();
  }

  async configureQueue(
    name: string,
    change: { concurrency?: number | null; paused?: boolean },
  ): Promise<QueueSettings> {
    const settings = this.#queues.configure(name, change);
    // A resumed queue or a raised limit makes work claimable.
    this.#changed();
    return settings;
  }

  async peekQueue(queue: string, opts: { limit: number; now: number }): Promise<QueuedTaskRun[]> {
    return this.#peekQueue(queue, opts);
  }

  async moveQueuedTaskRuns(selection: QueuedSelection, toQueue: string, now: number): Promise<number[]> {
    const moved = this.#changeQueued.move(selection, toQueue, now);
    // The new queue may have room, or a worker that serves it.
    if (moved.length > 0) this.#changed();
    return moved;
  }

  async rescheduleQueuedTaskRuns(
    selection: QueuedSelection,
    notBefore: number | null,
    now: number,
  ): Promise<number[]> {
    const changed = this.#changeQueued.reschedule(selection, notBefore, now);
    // A worker recomputes its next wake-up (`nextAvailableAt`) when it hears of a change.
    if (changed.length > 0) this.#changed();
    return changed;
  }

  async cancelQueuedTaskRuns(selection: QueuedSelection, now: number): Promise<number[]> {
    return this.#cancelQueued(selection, now);
  }

  close(): void {
    this.#listeners.clear();
    if (this.db.open) this.db.close();
  }
}
