import {
  assertRunTransition,
  assertTaskRunTransition,
  type RunStatus,
  type TaskRunStatus,
} from "@taskloom/core";
import type { MovableRow, MoveFields } from "../sqlite/task-run-transitions.ts";
import { type EventInput, writeEvents } from "./event-writer.ts";
import { at, type Queryable } from "./transaction.ts";

/**
 * The status changes the off-hot-path operations share (cancel, operator retry, an empty run's end), the
 * PostgreSQL twin of sqlite/task-run-transitions.ts with the same guards and the same events. Each runs inside
 * the caller's transaction. The readiness counters (`releaseDependents`) and `markRunStarted` belong to the hot
 * path and come with it.
 *
 * Concurrency: every task run change is guarded by its old status (`WHERE status = from`): under READ
 * COMMITTED a concurrent writer's change is seen and the row is skipped. Run status changes happen with the
 * run row locked (`lockRun`), so two processes cannot both end one run.
 */

export type { MovableRow, MoveFields };

const TERMINAL_TASK_RUN: ReadonlySet<TaskRunStatus> = new Set([
  "succeeded",
  "failed",
  "cancelled",
  "blocked",
]);
const TERMINAL_RUN: ReadonlySet<RunStatus> = new Set(["succeeded", "failed", "cancelled"]);

/** The run's status and cancel request, with the row locked until the transaction ends. Null when absent. */
export async function lockRun(
  client: Queryable,
  runId: string,
): Promise<{ status: RunStatus; cancelRequested: boolean } | null> {
  const { rows } = await client.query<{ status: RunStatus; cancel_requested: boolean }>(
    "SELECT status, cancel_requested_at IS NOT NULL AS cancel_requested FROM runs WHERE id = $1 FOR UPDATE",
    [runId],
  );
  const row = rows[0];
  return row ? { status: row.status, cancelRequested: row.cancel_requested } : null;
}

/** The event of one task run status change, with the data sqlite's `move` records. */
function moveEvent(row: MovableRow, to: TaskRunStatus, now: number, fields: MoveFields): EventInput {
  return {
    type: "task_run.status",
    runId: row.runId,
    taskRunId: row.id,
    taskKey: row.taskKey,
    from: row.status,
    to,
    data: {
      ...(fields.attempt !== undefined ? { attempt: fields.attempt } : {}),
      ...(fields.reason ? { reason: fields.reason } : {}),
      ...(fields.error ? { error: fields.error } : {}),
      ...fields.data,
    },
    at: now,
  };
}

/**
 * Guarded status changes with their events, in the order given: rows no longer in their `status` are skipped.
 * One UPDATE for the whole set. Returns the rows that moved.
 */
export async function moveTaskRuns(
  client: Queryable,
  rows: MovableRow[],
  to: TaskRunStatus,
  now: number,
  fields: MoveFields = {},
): Promise<MovableRow[]> {
  if (rows.length === 0) return [];
  for (const row of rows) assertTaskRunTransition(row.status, to);
  const { rows: moved } = await client.query<{ id: number }>(
    `UPDATE task_runs t
        SET status = $3,
            reason = CASE WHEN $4 THEN $5 ELSE t.reason END,
            error = CASE WHEN $6 THEN $7 ELSE t.error END,
            exit_code = CASE WHEN $8 THEN $9::int ELSE t.exit_code END,
            finished_at = CASE WHEN $10 THEN $11 ELSE t.finished_at END,
            lease_owner = CASE WHEN $3 = 'running' THEN t.lease_owner ELSE NULL END,
            lease_expires_at = CASE WHEN $3 = 'running' THEN t.lease_expires_at ELSE NULL END,
            available_at = CASE WHEN $3 = 'ready' THEN $11 ELSE t.available_at END
       FROM unnest($1::int[], $2::text[]) AS m(id, from_status)
      WHERE t.id = m.id AND t.status = m.from_status
      RETURNING t.id`,
    [
      rows.map((row) => row.id),
      rows.map((row) => row.status),
      to,
      fields.reason !== undefined,
      fields.reason ?? null,
      fields.error !== undefined,
      fields.error ?? null,
      fields.exitCode !== undefined,
      fields.exitCode ?? null,
      TERMINAL_TASK_RUN.has(to),
      at(now),
    ],
  );
  const movedIds = new Set(moved.map((row) => row.id));
  const done = rows.filter((row) => movedIds.has(row.id));
  await writeEvents(
    client,
    done.map((row) => moveEvent(row, to, now, fields)),
  );
  return done;
}

/** `from` failed for good: every transitive dependent still pending becomes `blocked`. */
export async function blockDependents(
  client: Queryable,
  runId: string,
  fromId: number,
  fromKey: string,
  now: number,
): Promise<void> {
  const error = `upstream task \`${fromKey}\` failed`;
  const { rows } = await client.query<{ id: number; task_key: string }>(
    `WITH RECURSIVE downstream(id) AS (
        SELECT to_id FROM task_run_dependencies WHERE from_id = $1
        UNION
        SELECT d.to_id FROM task_run_dependencies d JOIN downstream ON d.from_id = downstream.id
      )
      UPDATE task_runs SET status = 'blocked', reason = 'upstream_failed', error = $2, finished_at = $3
       WHERE id IN (SELECT id FROM downstream) AND status = 'pending'
      RETURNING id, task_key`,
    [fromId, error, at(now)],
  );
  assertTaskRunTransition("pending", "blocked");
  rows.sort((a, b) => a.id - b.id);
  await writeEvents(
    client,
    rows.map((row) => ({
      type: "task_run.status",
      runId,
      taskRunId: row.id,
      taskKey: row.task_key,
      from: "pending",
      to: "blocked",
      data: { reason: "upstream_failed", upstream: fromKey },
      at: now,
    })),
  );
}

/** Writes a run status change with its event (guarded by the transition table and the old status). */
export async function moveRun(
  client: Queryable,
  runId: string,
  from: RunStatus,
  to: RunStatus,
  now: number,
  data?: Record<string, unknown>,
): Promise<void> {
  assertRunTransition(from, to);
  const { rowCount } = await client.query(
    `UPDATE runs SET status = $3,
        started_at = CASE WHEN $3 = 'running' THEN coalesce(started_at, $4) ELSE started_at END,
        finished_at = CASE WHEN $5 THEN $4 ELSE NULL END
      WHERE id = $1 AND status = $2`,
    [runId, from, to, at(now), TERMINAL_RUN.has(to)],
  );
  if (!rowCount) return;
  await writeEvents(client, [{ type: "run.status", runId, from, to, data: data ?? null, at: now }]);
}

/**
 * Ends the run when none of its task runs can do anything more. Returns the final status, if it ended.
 * Locks the run row first, so that two processes finishing the last task runs of one run end it once.
 */
export async function finalizeRunIfDone(
  client: Queryable,
  runId: string,
  now: number,
): Promise<RunStatus | null> {
  const run = await lockRun(client, runId);
  if (!run || TERMINAL_RUN.has(run.status)) return null;
  const { rows } = await client.query<{ open: boolean; failed: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM task_runs WHERE run_id = $1 AND status IN ('pending','ready','running','retrying')) AS open,
            EXISTS (SELECT 1 FROM task_runs WHERE run_id = $1 AND status IN ('failed','blocked')) AS failed`,
    [runId],
  );
  if (rows[0]?.open) return null;
  const to: RunStatus = run.cancelRequested ? "cancelled" : rows[0]?.failed ? "failed" : "succeeded";
  // A run that never had a task claimed (all cancelled, or no tasks) passes through `running`.
  if (run.status === "queued" && to !== "cancelled") {
    await moveRun(client, runId, "queued", "running", now);
    await moveRun(client, runId, "running", to, now);
  } else {
    await moveRun(client, runId, run.status, to, now);
  }
  return to;
}
