import {
  assertTaskRunTransition,
  ConflictError,
  type CreateRunInput,
  type FailureReason,
  type OperatorAudit,
  operatorActionData,
  type RetryDefinitionDecision,
  type RunReuse,
  renewedMaxAttempts,
  type TaskRunStatus,
} from "@taskloom/core";
import type { EventInput } from "./sqlite/event-writer.ts";
import type { ReuseSourceRow } from "./task-action.ts";

/**
 * What a task run status change is, whatever the store: which row moves, the fields it may set, how its
 * attempt count changes and the event it writes. The SQLite and PostgreSQL transitions both build their
 * guarded UPDATEs and their events from these, so the same move writes the same event on either.
 */

/** A task run's state columns, as the operations select them (snake_case). */
export interface TaskRunStateRow {
  id: number;
  run_id: string;
  task_key: string;
  status: TaskRunStatus;
  attempt: number;
  max_attempts: number;
  lease_owner: string | null;
}

/**
 * Whether a result may be recorded: the worker still holds the lease of that very attempt. A worker whose lease
 * was lost (and taken back, perhaps already claimed again) records nothing, so each attempt has at most one
 * recorded completion although execution is at-least-once.
 */
export function holdsLease(
  row: TaskRunStateRow | undefined,
  result: { attempt: number; workerId: string },
): row is TaskRunStateRow {
  return row?.status === "running" && row.attempt === result.attempt && row.lease_owner === result.workerId;
}

export interface MovableRow {
  id: number;
  runId: string;
  taskKey: string;
  status: TaskRunStatus;
  /** The row's attempt count before the move; the event reports the count after it. */
  attempt: number;
}

/** The row as `move` needs it, from the snake_case columns every operation selects. */
export function movableRow(
  row: { id: number; run_id: string; task_key: string; attempt: number },
  status: TaskRunStatus,
): MovableRow {
  return { id: row.id, runId: row.run_id, taskKey: row.task_key, status, attempt: row.attempt };
}

export interface MoveFields {
  reason?: FailureReason | null;
  error?: string | null;
  exitCode?: number | null;
  /** Required for `→ running` (the claim): the new lease. The attempt count goes up by one. */
  lease?: { owner: string; expiresAt: number };
  /** `running → ready` of a shutdown release: the attempt that was started is not counted. */
  uncount?: boolean;
  /** A new retry budget (operator retry, lost lease). */
  maxAttempts?: number;
  data?: Record<string, unknown>;
}

/**
 * Checks the move against the core transition table and returns how the attempt count changes: +1 for a
 * claim (which alone takes a lease), −1 for an uncounted release, else 0.
 */
export function checkMove(from: TaskRunStatus, to: TaskRunStatus, fields: MoveFields): -1 | 0 | 1 {
  assertTaskRunTransition(from, to);
  if ((to === "running") !== (fields.lease !== undefined)) {
    throw new Error(`a move to running needs a lease, and only it may set one (${from} -> ${to})`);
  }
  return attemptDelta(to, fields);
}

const attemptDelta = (to: TaskRunStatus, fields: MoveFields): -1 | 0 | 1 =>
  to === "running" ? 1 : fields.uncount ? -1 : 0;

/** The `task_run.status` event of a move that changed the row. */
export function moveEvent(row: MovableRow, to: TaskRunStatus, now: number, fields: MoveFields): EventInput {
  return {
    type: "task_run.status",
    runId: row.runId,
    taskRunId: row.id,
    taskKey: row.taskKey,
    from: row.status,
    to,
    data: {
      attempt: row.attempt + attemptDelta(to, fields),
      ...(fields.lease ? { workerId: fields.lease.owner } : {}),
      ...(fields.reason ? { reason: fields.reason } : {}),
      ...(fields.error ? { error: fields.error } : {}),
      ...fields.data,
    },
    at: now,
  };
}

/** The error of a task run blocked by the final failure of `upstreamKey`. */
export const upstreamFailedError = (upstreamKey: string): string => `upstream task \`${upstreamKey}\` failed`;

/** The error recorded on an attempt whose lease was lost and on its requeue event. */
export const lostLeaseError = (workerId: string | null): string =>
  `lost its lease: worker ${workerId} died or stopped responding`;

/** The `run.created` event, as both stores write it when a run is created. */
export function runCreatedEvent(
  runId: string,
  plan: { slug: string; version: number },
  input: Pick<CreateRunInput, "trigger" | "params" | "now" | "reuse">,
  taskCount: number,
): EventInput {
  return {
    type: "run.created",
    runId,
    to: "queued",
    data: {
      plan: plan.slug,
      planVersion: plan.version,
      trigger: input.trigger,
      params: input.params,
      tasks: taskCount,
      ...(input.reuse ? { rerunOf: { runId: input.reuse.sourceRunId, fromTask: input.reuse.fromTask } } : {}),
    },
    at: input.now,
  };
}

/**
 * The `operator.action` events of a rerun: one in the new run (what it reused), one in the source run. A
 * replay's name the replayed task (as the event's task) and the other run, and nothing else: what it reused
 * or skipped follows from "that task alone".
 */
export function rerunEvents(runId: string, reuse: RunReuse, now: number): EventInput[] {
  const { actor, reason } = reuse.audit;
  if (reuse.action === "replay") {
    const base = { action: "replay", actor, reason };
    return [
      {
        type: "operator.action",
        runId,
        taskKey: reuse.fromTask,
        data: { ...base, sourceRunId: reuse.sourceRunId },
        at: now,
      },
      {
        type: "operator.action",
        runId: reuse.sourceRunId,
        taskKey: reuse.fromTask,
        data: { ...base, replayId: runId },
        at: now,
      },
    ];
  }
  const base = { action: "rerun", actor, reason, fromTask: reuse.fromTask };
  return [
    {
      type: "operator.action",
      runId,
      data: {
        ...base,
        sourceRunId: reuse.sourceRunId,
        reused: reuse.taskKeys,
        ...(reuse.skipTaskKeys?.length ? { skipped: reuse.skipTaskKeys } : {}),
      },
      at: now,
    },
    { type: "operator.action", runId: reuse.sourceRunId, data: { ...base, rerunId: runId }, at: now },
  ];
}

/**
 * Checks that every task a rerun reuses succeeded in the source run, and returns the rows with a source.
 * @throws ConflictError naming the first task that did not.
 */
export function checkReuseSources(reuse: RunReuse, rows: ReuseSourceRow[]): ReuseSourceRow[] {
  const byKey = new Map(rows.map((row) => [row.task_key, row]));
  for (const key of reuse.taskKeys) {
    const row = byKey.get(key);
    if (row?.source_status !== "succeeded") {
      const state = row?.source_status ? `it is ${row.source_status}` : "it has no such task";
      throw new ConflictError(`cannot reuse \`${key}\` from run ${reuse.sourceRunId}: ${state} there`);
    }
  }
  return reuse.taskKeys.map((key) => byKey.get(key) as ReuseSourceRow);
}

/** The move of a reused task run to `succeeded`, pointing at its source. */
export const reuseMoveFields = (reuse: RunReuse, row: ReuseSourceRow): MoveFields => ({
  exitCode: row.exit_code,
  data: {
    operator: reuse.action ?? "rerun",
    reusedFrom: { runId: reuse.sourceRunId, taskRunId: row.source_id },
  },
});

/** The move of a task run a rerun leaves out (`RunReuse.skipTaskKeys`) to `skipped`. */
export const rerunSkipFields = (reuse: RunReuse): MoveFields => ({
  data: { operator: reuse.action ?? "rerun", skippedFor: reuse.fromTask },
});

/**
 * The fields of a retry's `→ ready` move, on both stores: a clean slate, the retry budget renewed from the
 * definition the retry runs, and which definition (and versions) that is.
 */
export function retryMoveFields(
  attemptsMade: number,
  decision: RetryDefinitionDecision,
  data: Record<string, unknown>,
): MoveFields {
  return {
    reason: null,
    error: null,
    maxAttempts: renewedMaxAttempts(attemptsMade, decision.definition.retry),
    data: {
      ...data,
      definition: decision.used,
      fromVersion: decision.fromVersion,
      toVersion: decision.toVersion,
    },
  };
}

/** The `operator.action` event of an audited retry (`failed → ready`). */
export function retryAuditEvent(
  row: { id: number },
  runId: string,
  taskKey: string,
  audit: OperatorAudit,
  definition: string,
  now: number,
  sweepSource: string | null = null,
): EventInput {
  return {
    type: "operator.action",
    runId,
    taskRunId: row.id,
    taskKey,
    from: "failed",
    // A sweep retried for its `itemsFrom` waits for that upstream again instead of being claimed.
    to: sweepSource === null ? "ready" : "pending",
    data: operatorActionData(
      "retry",
      audit,
      sweepSource === null ? { definition } : { definition, source: sweepSource },
    ),
    at: now,
  };
}
