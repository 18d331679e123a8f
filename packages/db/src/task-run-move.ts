import {
  assertTaskRunTransition,
  type CreateRunInput,
  type FailureReason,
  type TaskRunStatus,
} from "@taskloom/core";
import type { EventInput } from "./sqlite/event-writer.ts";

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
  input: Pick<CreateRunInput, "trigger" | "params" | "now">,
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
    },
    at: input.now,
  };
}
