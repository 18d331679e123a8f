import type { LinkKind, ParamValue, RunStatus, TaskDefinition, TaskRunStatus } from "./types.ts";

/**
 * The read side: what the CLI and the dashboard list and show. `core` declares it; each store implements it
 * (through the Prisma client, portable between providers). Plain data; times are epoch ms.
 *
 * Semantics every provider must keep: `search` is a case-insensitive substring match; lists are ordered as
 * documented on each method; a run id may be given as a unique prefix.
 */
export interface PlanSummary {
  slug: string;
  name: string;
  version: number;
  taskCount: number;
  updatedAt: number;
  /** The plan's run parameters with their defaults (a Run button asks for them first). */
  params: Record<string, ParamValue>;
  lastRun: { id: string; status: RunStatus; createdAt: number } | null;
}

export interface TaskSummary {
  planSlug: string;
  key: string;
  name: string;
  kind: string;
  priority: number;
  queue: string;
  requires: string[];
  refers: string[];
}

export interface RunFilter {
  planSlug?: string;
  status?: RunStatus;
  trigger?: string;
  /** Created at or after (epoch ms). */
  from?: number;
  /** Created at or before (epoch ms). */
  to?: number;
  search?: string;
  cursor?: string;
  /** Default 50, at most 200. */
  limit?: number;
}

export interface RunSummary {
  id: string;
  planSlug: string;
  planVersion: number;
  status: RunStatus;
  trigger: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  counts: Partial<Record<TaskRunStatus, number>>;
}

export interface AttemptDetail {
  attempt: number;
  status: string;
  startedAt: number;
  finishedAt: number | null;
  exitCode: number | null;
  error: string | null;
  reason: string | null;
  /** The plan version of the definition this attempt ran. */
  definitionVersion: number;
  /** The definition this attempt ran; null when it is its task run's `definition`. */
  definition: TaskDefinition | null;
  /** LLM attempts only: what the model saw and what it cost. */
  llm?: LlmAttemptInfo;
}

/** What an LLM attempt recorded: its context snapshot (see `ContextStore`), the model and token usage. */
export interface LlmAttemptInfo {
  snapshotHash: string | null;
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
}

export interface TaskRunDetail {
  id: number;
  key: string;
  kind: string;
  status: TaskRunStatus;
  attempts: number;
  startedAt: number | null;
  finishedAt: number | null;
  exitCode: number | null;
  outputText: string | null;
  outputJson: unknown;
  error: string | null;
  reason: string | null;
  /** The queue it is claimed from (a queue move changes it). */
  queue: string;
  /** Higher is claimed first among ready task runs. */
  priority: number;
  /** The rendered concurrency key and its limit; null for a task without one. */
  concurrencyKey: string | null;
  concurrencyLimit: number | null;
  /** Not claimable before this time (a queue reschedule); null when not rescheduled. */
  notBefore: number | null;
  /**
   * Where the output came from when the task did not produce it in this run: `reuse` (a rerun took it from
   * `outputFromRunId`), `cache` (the output cache, stored by `outputFromRunId`), `operator` (resolved by hand).
   * Null when it ran.
   */
  outputFrom: "reuse" | "cache" | "operator" | null;
  outputFromRunId: string | null;
  /** The rendered cache key of a task with `cache`; null for the others. */
  cacheKey: string | null;
  /** The plan version of the definition the task run holds (an operator retry may have taken a newer one). */
  definitionVersion: number;
  /** The definition the task run holds; null when it is the frozen one in the run's `graph`. */
  definition: TaskDefinition | null;
  attemptHistory: AttemptDetail[];
  /** A sweep group (a swept task's own task run): its `need` and point count (null until expanded). */
  sweep?: { need: "all" | "any"; pointCount: number | null };
  /** A sweep point (key `<task>[<index>]`): its task's key, its index and its own params. */
  point?: { taskKey: string; index: number; params: Record<string, ParamValue> };
  /**
   * Why a ready task run is not being taken: `waiting for a worker with handler \`resize\`` while no live
   * worker registered the handler of a function task. Set by the engine's `getRun`; absent otherwise.
   */
  waitingFor?: string;
}

/** One task in one run of a plan's history grid. */
export interface RunGridCell {
  status: TaskRunStatus;
  attempts: number;
  /** The last attempt's duration in ms; null until it has started and finished. */
  durationMs: number | null;
}

/**
 * A plan's last runs against its tasks (Airflow's grid view), with what duration trends need: the runs oldest
 * first, the tasks in plan order (then keys only older runs had), a cell per task run.
 */
export interface RunGrid {
  runs: {
    id: string;
    status: RunStatus;
    createdAt: number;
    planVersion: number;
    durationMs: number | null;
  }[];
  tasks: string[];
  /** `cells[taskKey][runId]`; absent when that run had no such task. */
  cells: Record<string, Record<string, RunGridCell>>;
}

/** What a retry of a task run would run, compared with what it ran (see `RetryDefinition`). */
export interface DefinitionChange {
  /** The plan version of the definition the task run holds now (that of its last attempt). */
  ranVersion: number;
  /** The plan's version now. */
  latestVersion: number;
  /** The plan's current definition of the task; null when the task is no longer in the plan. */
  current: TaskDefinition | null;
  /** The definition the task run holds now. */
  ran: TaskDefinition;
  /** `current` differs from `ran`: a retry with the current definition runs something else. */
  changed: boolean;
}

export interface RunDetail extends RunSummary {
  params: Record<string, unknown>;
  /** The plan as it was frozen when the run started. */
  graph: { tasks: TaskDefinition[]; links: { from: string; to: string; kind: LinkKind }[] };
  tasks: TaskRunDetail[];
}

export interface WorkerView {
  id: string;
  host: string;
  pid: number;
  concurrency: number;
  queues: string[];
  /** Names of the function handlers it registered (`taskloom worker --register`); empty for most workers. */
  handlers: string[];
  startedAt: number;
  heartbeatAt: number;
  /** Tasks it holds right now. */
  running: number;
}

export interface LogChunkView {
  seq: number;
  attempt: number;
  stream: string;
  text: string;
  createdAt: number;
}

export interface LogPage {
  taskRunId: number;
  status: TaskRunStatus;
  chunks: LogChunkView[];
  firstSeq: number | null;
  lastSeq: number | null;
}

export interface LogRange {
  runId: string;
  taskKey: string;
  /** Chunks after this sequence number (following a live tail). */
  afterSeq?: number;
  /** Chunks before this sequence number (scrolling back). */
  beforeSeq?: number;
  /** Default 500, at most 5000. */
  limit?: number;
}

export interface LogSearch {
  runId: string;
  taskKey: string;
  /** Matched ignoring case, as a plain substring. */
  query: string;
  /** Chunks after this sequence number (the `nextSeq` of the previous page). */
  afterSeq?: number;
  /** Default 200, at most 1000. */
  limit?: number;
}

/** A page of the chunks of a task run's log that contain the query, in order. */
export interface LogMatches {
  chunks: LogChunkView[];
  /** Where the next page starts (pass as `afterSeq`); null after the last match. */
  nextSeq: number | null;
}

/** Plans and their tasks. */
export interface PlanReads {
  /** Every plan by slug, with its task count and last run. */
  listPlans(): Promise<PlanSummary[]>;
  /** Tasks of one plan (or all plans) in file order; an unknown plan is a `NotFoundError`. */
  listTasks(planSlug?: string): Promise<TaskSummary[]>;
}

/** Runs and their task runs. */
/** One operator action in a run's audit trail (an `operator.action` event). */
export interface AuditEntry {
  eventId: number;
  at: number;
  action: string;
  actor: string;
  reason: string | null;
  /** The task acted on; null for run-level actions (a rerun). */
  taskKey: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  /** The action's details (a resolve's output, a rerun's source or new run, a reset's new budget, …). */
  details: Record<string, unknown>;
}

/** Most entries `auditTrail` returns (the newest ones). */
export const MAX_AUDIT_ENTRIES = 500;

export interface RunReads {
  /** The run's operator actions, oldest first (at most `MAX_AUDIT_ENTRIES`, the newest). */
  auditTrail(runId: string): Promise<AuditEntry[]>;
  /** Runs newest first. */
  listRuns(input?: { planSlug?: string; limit?: number }): Promise<RunSummary[]>;
  /**
   * Runs newest first, filtered, one page at a time (keyset pagination: the cursor is the last row's
   * `createdAt:id`). `search` matches a task key or a task's output text, ignoring case.
   */
  searchRuns(filter: RunFilter): Promise<{ items: RunSummary[]; nextCursor: string | null }>;
  /** A run by id or unique id prefix, with every task run and attempt. */
  getRun(runId: string): Promise<RunDetail>;
  /** The last `limit` runs of a plan (default 20, at most 100) against its tasks; see `RunGrid`. */
  runGrid(planSlug: string, limit?: number): Promise<RunGrid>;
  /** A task run's definition against the plan's current one (what the retry control offers). */
  definitionChange(runId: string, taskKey: string): Promise<DefinitionChange>;
  /** The full id of a run given by id or unique prefix; `NotFoundError` when none or ambiguous. */
  resolveRunId(idOrPrefix: string): Promise<string>;
  /** The slug of the plan a run belongs to (null when the run is unknown). */
  planOfRun(runId: string): Promise<string | null>;
}

/** Captured output of task runs. */
export interface LogReads {
  /**
   * One page of a task run's log, in order: after `afterSeq`, before `beforeSeq`, or — with neither — the
   * last `limit` chunks. `firstSeq`/`lastSeq` bound the whole log.
   */
  readLogs(range: LogRange): Promise<LogPage>;
  /** The chunks of a task run's log that contain `query`, a page at a time (see `LogSearch`). */
  searchLog(search: LogSearch): Promise<LogMatches>;
}

/** Registered workers. */
export interface WorkerReads {
  /** Workers that have not stopped, oldest first, with how many tasks each holds. */
  listWorkers(): Promise<WorkerView[]>;
}

export interface ReadModel extends PlanReads, RunReads, LogReads, WorkerReads {}
