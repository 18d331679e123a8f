import type { ApprovalStore } from "./approvals.ts";
import type { OperatorAudit, TaskAction } from "./operator-actions.ts";
import type { AttemptCacheUse, CachedOutput, CacheLookup } from "./output-cache.ts";
import type { ScheduleDefinition } from "./schedules.ts";
import type {
  FailureReason,
  ParamValue,
  PlanDefinition,
  RunStatus,
  RunTrigger,
  SweepPoint,
  TaskDefinition,
  TaskRunStatus,
  UpstreamOutput,
} from "./types.ts";

/**
 * Storage ports. `core` declares them; `packages/db` implements them for SQLite and PostgreSQL;
 * the engines receive an implementation as an argument and never import a database library.
 * Every method that changes a status writes its Event rows in the same transaction.
 * All times are epoch ms passed in by the caller (the engine's injected clock). One exception: a store shared
 * by many hosts may judge leases by its database's clock instead, so that clock skew between hosts cannot take
 * a live lease (PostgreSQL does by default; `leaseExpiresAt` is still reported in the caller's frame).
 */

export interface ImportPlanResult {
  planId: string;
  slug: string;
  version: number;
  /** False when the definition was identical to the stored one (the version did not change). */
  changed: boolean;
}

export interface ImportPlanOptions {
  baseDir: string | null;
  now: number;
  reason?: "import" | "edit";
  positions?: Record<string, { x: number; y: number }>;
  /**
   * Refuse the import with `StalePlanVersionError` unless the stored plan is at this version (0: no plan yet).
   * Checked inside the write transaction, so a read-modify-write (an editor change) cannot overwrite a version
   * another process saved between its read and its write. Default: unset, no check.
   */
  expectedVersion?: number;
  /**
   * Tasks this version renames (old key → new key), so that their context steering follows them: their
   * overrides and approval move to the new key, and other tasks' overrides of `task:<old>` become
   * `task:<new>`. Default none.
   *
   * Whatever this says, the import deletes the overrides and approvals of every task the plan no longer
   * has, in the same transaction as the new version.
   */
  renamedTasks?: Record<string, string>;
  /**
   * The slug of a draft into this plan (`PlanDraftRecord.into`) that this version approves; the version is
   * then the plan merged with the draft. In the same transaction the draft's documents and notes join the
   * plan (those of a key the plan has already are dropped: the merge refused any that differ) and the draft
   * is deleted. Refused with `ConflictError`, nothing changed, when that plan is not (or no longer) a draft
   * into this one. Default none.
   */
  approvingDraft?: string;
}

export interface CreateRunInput {
  planSlug: string;
  trigger: RunTrigger;
  /** Run params, already validated against the plan's declared params. */
  params: Record<string, ParamValue>;
  now: number;
  /** A rerun: these task runs start `succeeded` with the source run's outputs. Default: none (a fresh run). */
  reuse?: RunReuse;
}

/** What a rerun takes from its source run (decided by core's `planRerun`). */
export interface RunReuse {
  sourceRunId: string;
  /** Task keys whose output is copied; each must have succeeded in the source run. */
  taskKeys: string[];
  /** The task the rerun starts from, or null for a rerun from failure. */
  fromTask: string | null;
  audit: OperatorAudit;
  /**
   * Task keys whose task runs start `skipped`: neither reused nor run (a replay runs one task alone, and a
   * task with no output to reuse is left out). Their dependents go on as after a skip. Default none.
   */
  skipTaskKeys?: string[];
  /**
   * What the audit trail records: a `rerun` (default), or a `replay` of `fromTask` alone (its own action,
   * naming the replayed task and the source run).
   */
  action?: "rerun" | "replay";
}

export interface CreatedRun {
  runId: string;
  planSlug: string;
  planVersion: number;
  taskCount: number;
}

export interface ClaimInput {
  workerId: string;
  /** Most task runs to claim. */
  limit: number;
  /** The lease length; the claim sets `leaseExpiresAt = now + leaseMs`. */
  leaseMs: number;
  now: number;
  /** Only claim from this run (used by `taskloom run`). Default: any run. */
  runId?: string;
  /** Only claim from these queues. Default: all queues. */
  queues?: string[];
  /**
   * The function handlers this worker has: function task runs naming any other handler are left to other
   * workers. Default none (the worker takes no function task runs).
   */
  handlers?: string[];
}

/** A task run a worker now owns, with everything the executor needs. */
export interface ClaimedTaskRun {
  id: number;
  runId: string;
  planSlug: string;
  /** Absolute directory that relative `cwd`s resolve against; null for plans with no file. */
  baseDir: string | null;
  taskKey: string;
  /** This attempt's number, from 1; lost and retried attempts all count. */
  attempt: number;
  /** The retry budget: the highest attempt number this task run may start (see `retry-policy.ts`). */
  maxAttempts: number;
  definition: TaskDefinition;
  /** Effective params: plan defaults, then task params, then run params. */
  params: Record<string, ParamValue>;
  /** Outputs of the `requires` upstreams, by task key. */
  upstream: Record<string, UpstreamOutput>;
  leaseExpiresAt: number;
  /** A sweep point: its index and its own params (already merged into `params`). Absent for other task runs. */
  point?: SweepPoint;
}

export type AttemptOutcome =
  | {
      status: "succeeded";
      exitCode: number | null;
      outputText: string | null;
      outputJson: string | null;
      /** A task with `cache`: its key, and the stored output it completed from (else it stores this one). */
      cache?: AttemptCacheUse;
    }
  | {
      status: "failed";
      exitCode: number | null;
      error: string;
      reason: FailureReason;
      /** When to try again; null means the failure is final (no retries left, or not retryable). */
      retryAt: number | null;
    }
  | {
      /** The attempt stopped because its run was cancelled. */
      status: "cancelled";
      exitCode: number | null;
      error: string | null;
    };

export interface AttemptResult {
  taskRunId: number;
  attempt: number;
  workerId: string;
  outcome: AttemptOutcome;
}

export interface CompletionBatchResult {
  /** Task runs whose result was written. */
  recorded: number[];
  /** Task runs whose worker no longer held the lease (it was lost and taken back): nothing was written. */
  stale: number[];
  /** Runs that reached a terminal status in this batch. */
  finishedRuns: { runId: string; status: RunStatus }[];
  /** What the claim given with the batch (`next`) leased, after the batch was recorded; else empty. */
  claimed: ClaimedTaskRun[];
}

/** What recording a batch wrote, before any claim that follows it. */
export type RecordedBatch = Omit<CompletionBatchResult, "claimed">;

export interface LogChunkInput {
  taskRunId: number;
  attempt: number;
  stream: "stdout" | "stderr" | "system";
  text: string;
  at: number;
}

export interface WorkerRegistration {
  id: string;
  host: string;
  pid: number;
  queues: string[];
  /** The function handlers it has (see `ClaimInput.handlers`). Default none. */
  handlers?: string[];
  concurrency: number;
  now: number;
}

export interface ReclaimOptions {
  /** Only expired leases of this run (a dead worker's leases are taken back whatever their run). Default: all. */
  runId?: string;
  /** Workers known to be dead: all their leases are lost, expired or not. Default none. */
  deadWorkerIds?: string[];
  /** Lost leases in a row that fail a task run. Default `DEFAULT_MAX_LOST_LEASES` (3). */
  maxLostLeases?: number;
}

/** What the scheduler needs from storage. The hot path: claim, complete, heartbeat. */
export interface SchedulerStore {
  claimTaskRuns(input: ClaimInput): Promise<ClaimedTaskRun[]>;
  /**
   * Records a batch of attempt results in one transaction, including readiness and failure propagation. With
   * `next`, the worker's next claim follows in the same transaction, so that what the batch made ready (a
   * chain's next step) starts without another round of the database, and the claim commits only with it.
   */
  completeTaskRuns(results: AttemptResult[], now: number, next?: ClaimInput): Promise<CompletionBatchResult>;
  /** Extends the leases of these task runs; returns the ids the worker no longer holds. */
  heartbeat(workerId: string, taskRunIds: number[], leaseMs: number, now: number): Promise<number[]>;
  /**
   * Takes back lost leases: expired ones, and every lease of the workers in `deadWorkerIds`. Losing a lease is
   * not a failure of the task: the task run goes `running → ready` without using a retry (its attempt is
   * recorded with reason `lost`), unless it has now lost `maxLostLeases` leases in a row, in which case it
   * fails with reason `lost` and blocks its dependents. Returns how many leases were taken back.
   */
  reclaimExpiredLeases(now: number, opts?: ReclaimOptions): Promise<number>;
  /**
   * Gives claims back without counting the attempt (`running → ready`): a worker shutting down releases what
   * it could not finish. Only rows this worker still holds change.
   */
  releaseTaskRuns(workerId: string, taskRunIds: number[], now: number): Promise<void>;
  /**
   * The task runs this worker holds a lease on, in id order. A worker whose claim failed with the database
   * unreachable cannot know whether it committed; this finds what it holds without knowing it.
   */
  leasedTaskRuns(workerId: string): Promise<number[]>;
  /** Earliest `availableAt` of a claimable task run in the future (a retry's backoff), or null. */
  nextAvailableAt(now: number, runId?: string): Promise<number | null>;
  /** Task runs among these whose run has a pending cancel request, or that an operator cancelled alone. */
  cancelRequested(taskRunIds: number[]): Promise<number[]>;
  /** The newest stored output of that plan's task with that cache key, stored at or after `notBefore`; or null. */
  findCachedOutput(lookup: CacheLookup): Promise<CachedOutput | null>;
  appendLogs(chunks: LogChunkInput[]): Promise<void>;
  registerWorker(worker: WorkerRegistration): Promise<void>;
  heartbeatWorker(workerId: string, now: number): Promise<void>;
  stopWorker(workerId: string, now: number): Promise<void>;
  /**
   * Workers that hold leases and are dead by `isWorkerDead`: heartbeat older than `staleBefore`, or on `host`
   * with their process gone. `isPidAlive(pid, since)` answers for the process that was running at `since`.
   */
  findDeadWorkers(input: {
    staleBefore: number;
    host: string;
    isPidAlive(pid: number, since: number): boolean;
  }): Promise<string[]>;
  /**
   * Forgets the workers last seen (heartbeat, or stop) before `seenBefore` that hold no lease: stopped ones and
   * ones killed without a word (kill -9, a lost host), which would otherwise stay listed as lost forever. A
   * worker holding a lease stays until its lease is taken back. Returns the ids forgotten, sorted.
   */
  pruneWorkers(seenBefore: number): Promise<string[]>;
  /**
   * Calls `listener` after this process committed something that may make work claimable (a run created,
   * a task released, a cancel). A store may call it synchronously inside the operation or later; listeners
   * must only schedule work (the worker coalesces wake-ups). Other processes' commits are found by polling, and
   * on PostgreSQL also heard through LISTEN/NOTIFY.
   * Returns an unsubscribe.
   */
  onChange(listener: () => void): () => void;
}

/** Operations on plans and runs that are not on the hot path. */
export interface RunStore {
  /**
   * `reason` names the event: `plan.imported` for a file, `plan.updated` for an edit (default `import`).
   * `positions` places tasks in the editor in the same transaction, so a reader never sees a new task
   * without its position.
   */
  importPlan(definition: PlanDefinition, opts: ImportPlanOptions): Promise<ImportPlanResult>;
  /** Editor positions of a plan's tasks, by key (tasks never placed are absent). */
  getTaskPositions(planSlug: string): Promise<Record<string, { x: number; y: number }>>;
  /** Stores editor positions; layout is not part of the plan, so the version does not change. */
  setTaskPositions(planSlug: string, positions: { key: string; x: number; y: number }[]): Promise<void>;
  getPlanDefinition(
    slug: string,
  ): Promise<{ definition: PlanDefinition; baseDir: string | null; version: number }>;
  createRun(input: CreateRunInput): Promise<CreatedRun>;
  /** Marks the run cancelled: open task runs that are not running become `cancelled` at once; running ones
   * are stopped by their worker, which records `cancelled`. Idempotent. */
  requestCancel(runId: string, now: number): Promise<{ status: RunStatus }>;
  /** `resume`: a run left `running` by a dead process goes on; nothing changes in its state. */
  getRunStatus(runId: string): Promise<RunStatus>;
  /**
   * Operator move: a failed task run goes back to `ready` (its blocked dependents to `pending`). `definition`
   * (default `"current"`) says what it runs next: the plan's current definition of the task (the fix just
   * saved) or the copy frozen when the run started. The run's graph stays frozen either way.
   */
  retryTaskRun(
    runId: string,
    taskKey: string,
    now: number,
    definition?: RetryDefinition,
    audit?: OperatorAudit,
  ): Promise<void>;
}

/** One operator action on a task run (see `TASK_ACTION_RULES` in core for what each does and allows). */
export interface TaskActionInput {
  action: TaskAction;
  runId: string;
  taskKey: string;
  /** `resolve`: the output the task succeeds with (parsed as JSON for `output: json` tasks). Default null. */
  output?: string | null;
  audit: OperatorAudit;
  now: number;
}

/**
 * Operator actions. Each checks core's rules, moves through the transition table, and writes an
 * `operator.action` event (`data`: action, actor, reason and details) in the same transaction.
 */
export interface OperatorStore {
  /**
   * - `resolve`: a failed or blocked task run succeeds with `output`; dependents it (or its failure) blocked go
   *   back to `pending` unless another failure still cuts them off, and are released; a failed run re-opens.
   * - `skip`: a pending or ready task run is `skipped`; its dependents treat it as done with no output.
   * - `reset-attempts`: the task run gets its whole retry budget again, counted from its next attempt.
   * - `cancel`: the task run alone is `cancelled` (a running attempt is stopped by its worker at its next
   *   heartbeat, which finds the lease gone); its dependents are blocked; the run ends `failed`.
   */
  applyTaskAction(input: TaskActionInput): Promise<void>;
}

/**
 * Which definition an operator retry runs: `current` is the plan's definition of the task now (falling back
 * to the frozen one when the task is no longer in the plan); `frozen` is the copy taken when the run started.
 */
export type RetryDefinition = "current" | "frozen";

export interface QueueSettings {
  name: string;
  /** Most task runs of this queue running at once, across all workers; null = unlimited. */
  concurrency: number | null;
  /** A paused queue's task runs are not claimed (running ones finish). */
  paused: boolean;
}

/** A queued (`ready`) task run, as the claim sees it. */
export interface QueuedTaskRun {
  id: number;
  runId: string;
  planSlug: string;
  taskKey: string;
  queue: string;
  priority: number;
  /** When it became ready (epoch ms). */
  readyAt: number;
  /** Not claimable before this time (a reschedule); null means claimable now. */
  notBefore: number | null;
  /** The rendered concurrency key and its limit; null for a task without one. */
  concurrencyKey: string | null;
  concurrencyLimit: number | null;
  /** Attempts with `concurrencyKey` running now (null without a key): at the limit, this one waits. */
  concurrencyRunning: number | null;
}

/**
 * Which queued task runs a queue admin action applies to: every given filter must match (and only `ready`
 * task runs ever match). The engine refuses an empty selection.
 */
export interface QueuedSelection {
  queue?: string;
  planSlug?: string;
  runId?: string;
  taskRunIds?: number[];
}

/** Queue settings. A queue without a row is unlimited and not paused. */
export interface QueueStore {
  listQueues(): Promise<(QueueSettings & { ready: number; running: number })[]>;
  /** Changes only the fields given; creates the queue row when needed. */
  configureQueue(
    name: string,
    change: { concurrency?: number | null; paused?: boolean },
  ): Promise<QueueSettings>;
  /**
   * The next `limit` queued task runs of `queue` in the order the claim takes them (priority, then id); those
   * rescheduled past `now` come after the claimable ones, soonest first.
   */
  peekQueue(queue: string, opts: { limit: number; now: number }): Promise<QueuedTaskRun[]>;
  /** Moves the selected queued task runs to `toQueue` (a `task_run.queue_changed` event each). Returns their ids. */
  moveQueuedTaskRuns(selection: QueuedSelection, toQueue: string, now: number): Promise<number[]>;
  /**
   * Makes the selected queued task runs unclaimable before `notBefore` (null: claimable at once again), with
   * a `task_run.rescheduled` event each. Returns their ids.
   */
  rescheduleQueuedTaskRuns(
    selection: QueuedSelection,
    notBefore: number | null,
    now: number,
  ): Promise<number[]>;
  /**
   * Cancels the selected queued task runs (`ready → cancelled`, reason `cancelled`); their pending dependents
   * are blocked and each touched run ends if nothing else is open. Returns their ids.
   */
  cancelQueuedTaskRuns(selection: QueuedSelection, now: number): Promise<number[]>;
}

/**
 * One event. `task_run.status` events carry what a client needs to apply them without refetching: `runId`,
 * `taskKey`, `taskRunId`, `fromStatus`, `toStatus`, and in `data`: `attempt` (the task run's attempt count
 * after the change; 0 before its first claim), plus `reason`/`error` for failures, `workerId` for claims and
 * lost leases, `retryAt` for scheduled retries.
 */
export interface EventRecord {
  id: number;
  type: string;
  runId: string | null;
  taskRunId: number | null;
  taskKey: string | null;
  fromStatus: TaskRunStatus | RunStatus | null;
  toStatus: TaskRunStatus | RunStatus | null;
  data: Record<string, unknown> | null;
  createdAt: number;
}

/**
 * The event log. Ids increase, and a read returns only *final* events: no event with a lower id can still
 * commit later (on SQLite one writer at a time commits in id order; on PostgreSQL a visibility horizon holds
 * back what concurrent transactions may still fill in). So a reader that always goes on after the last id it
 * got sees every committed event exactly once, in id order. Ids are taken after the row locks of the change an
 * event records, so the events of one task run (or of any rows two transactions both change) are in the
 * order of their commits.
 */
export interface EventStore {
  /** Final events with id > `afterId`, in id order, at most `limit`. */
  readEvents(input: { afterId: number; runId?: string; limit: number }): Promise<EventRecord[]>;
  /** The newest final event id, or 0: reading on from it misses nothing committed later. */
  lastEventId(): Promise<number>;
}

/**
 * Everything the engine needs from one database: the ports above, whatever the provider. The composition
 * root (`packages/engine`) holds a store only through this type, so a PostgreSQL store drops in beside SQLite.
 */
export interface TaskloomStore
  extends SchedulerStore,
    RunStore,
    QueueStore,
    EventStore,
    OperatorStore,
    ApprovalStore {
  /** Releases the connection(s). */
  close(): void | Promise<void>;
}

/** A schedule as stored, with its firing state. Times are epoch ms. */
export interface StoredSchedule extends ScheduleDefinition {
  id: string;
  planSlug: string;
  /**
   * `file`: from the plan file's `schedules:`; an import reconciles these (by name, or by index when unnamed).
   * `api`: added by the CLI, the API or the dashboard; imports leave it alone.
   */
  source: "file" | "api";
  /** Index in the plan file's list (file schedules); 0 for the others. */
  position: number;
  /** What an `every` rule counts its intervals from (when it was created or last changed). */
  anchorAt: number;
  /** The earliest fire not handled yet; null once a one-shot `at` has fired. */
  nextFireAt: number | null;
  lastFireAt: number | null;
  /** The run the schedule started last (what `overlap` looks at). */
  lastRunId: string | null;
  /** Fires waiting for the open run to end (`overlap: queue`), oldest first. */
  queuedFires: number[];
  createdAt: number;
  updatedAt: number;
}

export interface NewSchedule {
  planSlug: string;
  definition: ScheduleDefinition;
  source: StoredSchedule["source"];
  position: number;
  nextFireAt: number | null;
  now: number;
}

/** Fields a schedule change may set; the others stay. */
export type ScheduleChange = Partial<ScheduleDefinition> & {
  nextFireAt?: number | null;
  anchorAt?: number;
  position?: number;
  source?: StoredSchedule["source"];
};

/** What a fire claim expects to find and what it leaves behind. */
export interface ScheduleAdvance {
  expected: { nextFireAt: number | null; queuedFires: number[] };
  next: { nextFireAt: number | null; queuedFires: number[]; lastFireAt: number | null };
}

/**
 * Schedules: off the hot path, so every store implements this port through its portable query layer.
 * Names are unique per plan (a duplicate is a `ConflictError`); unknown ids are `NotFoundError`s.
 */
export interface ScheduleStore {
  /** Every schedule (of one plan), by plan, then source (file first), then position and creation. */
  listSchedules(filter?: { planSlug?: string }): Promise<StoredSchedule[]>;
  getSchedule(id: string): Promise<StoredSchedule>;
  createSchedule(schedule: NewSchedule): Promise<StoredSchedule>;
  updateSchedule(id: string, change: ScheduleChange, now: number): Promise<StoredSchedule>;
  removeSchedule(id: string): Promise<void>;
  /** Enabled schedules with a fire due at `now`, or with queued fires, soonest first. */
  dueSchedules(now: number, limit: number): Promise<StoredSchedule[]>;
  /**
   * The compare-and-set that claims a schedule's due fires: the change happens only when the schedule still
   * has `expected`'s next fire and queue. True when this caller won (exactly one caller wins each fire).
   */
  advanceSchedule(id: string, advance: ScheduleAdvance, now: number): Promise<boolean>;
  /**
   * Records what a fire did as an event (`schedule.fired` with its run, `schedule.skipped`, `schedule.queued`,
   * `schedule.failed`); a started run also becomes the schedule's `lastRunId`.
   */
  recordFire(fire: ScheduleFireRecord): Promise<void>;
}

export interface ScheduleFireRecord {
  scheduleId: string;
  type: "schedule.fired" | "schedule.skipped" | "schedule.queued" | "schedule.failed";
  /** The run the fire started (`schedule.fired`). */
  runId: string | null;
  /** The fire times this record covers. */
  fireAts: number[];
  /** Why (skipped: `missed` or `overlap`; failed: the error message); null otherwise. */
  detail: string | null;
  /** True for `taskloom schedule trigger` (a run started by hand with the schedule's params). */
  manual?: boolean;
  now: number;
}
