import {
  assertRunTransition,
  FAILING_TASK_RUN_STATUSES,
  finalRunStatus,
  isTerminalRunStatus,
  isTerminalTaskRunStatus,
  OPEN_TASK_RUN_STATUSES,
  type RunStatus,
  runStepsToFinish,
  type TaskRunStatus,
} from "@taskloom/core";
import { runnableStatusSql } from "../approval-parking.ts";
import {
  checkMove,
  type MovableRow,
  type MoveFields,
  movableRow,
  moveEvent,
  type TaskRunStateRow,
  upstreamFailedError,
} from "../task-run-move.ts";
import { type EventInput, writeEvents } from "./event-writer.ts";
import { othersMaySucceed, settleSweepGroups } from "./sweep-groups.ts";
import { at, type Queryable } from "./transaction.ts";

/**
 * The status changes every PostgreSQL operation shares (the twin of sqlite/task-run-transitions.ts): each move
 * is checked against the core transition table (`checkMove`) and writes the event `moveEvent` builds, through
 * the one event writer, in the caller's transaction. Set-based: one UPDATE per batch of rows, not per row.
 *
 * Concurrency (READ COMMITTED): every task run change is guarded by its old status (`WHERE status = from`), so
 * a row another transaction moved meanwhile is re-read and skipped. Rows are locked in id order where one
 * statement locks several, and run status changes happen with the run row locked (`lockRun`), so two processes
 * cannot both end one run. The few lock-order cycles that remain (a cancel holding its run while a completion
 * holds a dependent) end in a deadlock error that `withTransaction` retries.
 */

export { type MovableRow, type MoveFields, movableRow };

/**
 * The run's status and cancel request, with the row locked until the transaction ends. Null when absent.
 * `FOR NO KEY UPDATE`, not `FOR UPDATE`: a transaction that updates a task run twice re-checks its foreign key
 * to the run, which takes `FOR KEY SHARE` on the run row; `FOR UPDATE` would wait for that, so a completion
 * holding dependents and a completion finishing the run would deadlock. Lockers of a run still take turns.
 */
export async function lockRun(
  client: Queryable,
  runId: string,
): Promise<{ status: RunStatus; cancelRequested: boolean } | null> {
  const { rows } = await client.query<{ status: RunStatus; cancel_requested: boolean }>(
    "SELECT status, cancel_requested_at IS NOT NULL AS cancel_requested FROM runs WHERE id = $1 FOR NO KEY UPDATE",
    [runId],
  );
  const row = rows[0];
  return row ? { status: row.status, cancelRequested: row.cancel_requested } : null;
}

/**
 * Guarded status changes with their events, in the order given: rows no longer in their `status` are skipped.
 * `fields` may differ per row (a function of the row). One UPDATE for the whole set. Returns the rows that
 * moved. Not for claims (`→ running`), which lease in their own statement (claim-task-runs.ts).
 */
export async function moveTaskRuns(
  client: Queryable,
  rows: readonly MovableRow[],
  to: TaskRunStatus,
  now: number,
  fields: MoveFields | ((row: MovableRow) => MoveFields) = {},
): Promise<MovableRow[]> {
  if (rows.length === 0) return [];
  if (to === "running") throw new Error("claims lease in claim-task-runs.ts, not through moveTaskRuns");
  const fieldsOf = typeof fields === "function" ? fields : () => fields;
  const all = rows.map((row) => ({ row, fields: fieldsOf(row) }));
  const deltas = all.map(({ row, fields }) => checkMove(row.status, to, fields));
  const { rows: moved } = await client.query<{ id: number }>(
    `UPDATE task_runs t
        SET status = $1::text,
            attempt = t.attempt + m.attempt_delta,
            max_attempts = coalesce(m.max_attempts, t.max_attempts),
            reason = CASE WHEN m.set_reason THEN m.reason ELSE t.reason END,
            error = CASE WHEN m.set_error THEN m.error ELSE t.error END,
            exit_code = CASE WHEN m.set_exit_code THEN m.exit_code ELSE t.exit_code END,
            finished_at = CASE WHEN $2 THEN $3::timestamptz ELSE t.finished_at END,
            lease_owner = NULL,
            lease_expires_at = NULL,
            available_at = CASE WHEN $1::text = 'ready' THEN $3::timestamptz ELSE t.available_at END
       FROM unnest($4::int[], $5::text[], $6::int[], $7::int[], $8::bool[], $9::text[], $10::bool[], $11::text[],
                   $12::bool[], $13::int[])
            AS m(id, from_status, attempt_delta, max_attempts, set_reason, reason, set_error, error, set_exit_code,
                 exit_code)
      WHERE t.id = m.id AND t.status = m.from_status
      RETURNING t.id`,
    [
      to,
      isTerminalTaskRunStatus(to),
      at(now),
      all.map(({ row }) => row.id),
      all.map(({ row }) => row.status),
      deltas,
      all.map(({ fields }) => fields.maxAttempts ?? null),
      all.map(({ fields }) => fields.reason !== undefined),
      all.map(({ fields }) => fields.reason ?? null),
      all.map(({ fields }) => fields.error !== undefined),
      all.map(({ fields }) => fields.error ?? null),
      all.map(({ fields }) => fields.exitCode !== undefined),
      all.map(({ fields }) => fields.exitCode ?? null),
    ],
  );
  const movedIds = new Set(moved.map((row) => row.id));
  const done = all.filter(({ row }) => movedIds.has(row.id));
  await writeEvents(
    client,
    done.map(({ row, fields }) => moveEvent(row, to, now, fields)),
  );
  return done.map(({ row }) => row);
}

/**
 * These task runs of one run succeeded: decrement their dependents' counters, once per dependent for the
 * whole batch; pending ones reaching 0 become `ready`. Blocked dependents count down too (see the SQLite
 * twin). The dependents are locked in id order first, so two completions releasing the same join task take
 * turns instead of deadlocking, and the second one counts from the first one's result.
 */
export async function releaseDependents(
  client: Queryable,
  runId: string,
  fromIds: readonly number[],
  now: number,
): Promise<number> {
  if (fromIds.length === 0) return 0;
  // A sweep group is never claimed: at 0 it stays `pending` and settles (sweep-groups.ts).
  // The plan must go by id: the dependents are few. With `IN (SELECT …)` the planner guessed ~200 of them and
  // scanned the status index instead, whose entries for every row that was once pending (10,000 in a fan-out,
  // dead until a vacuum) it read on every release; `= ANY(ARRAY(…))` and `status || ''` keep it on the key.
  const { rows } = await client.query<
    Pick<TaskRunStateRow, "id" | "task_key" | "status" | "attempt"> & {
      pending_deps: number;
      sweep_need: string | null;
    }
  >(
    `WITH d AS (SELECT to_id, count(*)::int AS n FROM task_run_dependencies
                 WHERE from_id = ANY($1::int[]) GROUP BY to_id),
          locked AS (SELECT t.id FROM task_runs t WHERE t.id = ANY(ARRAY(SELECT to_id FROM d))
                      ORDER BY t.id FOR NO KEY UPDATE)
     UPDATE task_runs t
        SET pending_deps = t.pending_deps - d.n,
            status = CASE WHEN t.status = 'pending' AND t.pending_deps = d.n AND t.sweep_need IS NULL THEN ${runnableStatusSql("t.kind")}
                          ELSE t.status END,
            available_at = CASE WHEN t.status = 'pending' AND t.pending_deps = d.n THEN $2 ELSE t.available_at END
       FROM d
      WHERE t.id = d.to_id AND t.id = ANY(ARRAY(SELECT id FROM locked)) AND t.status || '' IN ('pending', 'blocked')
      RETURNING t.id, t.task_key, t.status, t.attempt, t.pending_deps, t.sweep_need`,
    [fromIds, at(now)],
  );
  // Only rows that reached zero changed status; the others just counted down.
  const released = rows
    .filter((row) => row.status === "ready" || row.status === "waiting")
    .sort((a, b) => a.id - b.id);
  await writeEvents(
    client,
    released.map((row) => bulkEvent(runId, row, row.status, now)),
  );
  const settled = rows
    .filter((row) => row.sweep_need !== null && row.status === "pending" && row.pending_deps <= 0)
    .map((row) => row.id)
    .sort((a, b) => a - b);
  return released.length + (await settleGroups(client, runId, settled, now));
}

/** Settles sweep groups whose counter reached 0, then releases or blocks what is behind them in turn. */
async function settleGroups(
  client: Queryable,
  runId: string,
  groupIds: readonly number[],
  now: number,
): Promise<number> {
  if (groupIds.length === 0) return 0;
  const { succeeded, failed } = await settleSweepGroups(client, groupIds, now, (row, to, at, fields) =>
    moveTaskRuns(client, [row], to, at, fields),
  );
  for (const group of failed) await blockDependents(client, runId, group.id, group.task_key, now);
  // A group that expanded has points ready to claim: count it as released, so the run is not taken as idle.
  const expanded = groupIds.length - succeeded.length - failed.length;
  return expanded + (await releaseDependents(client, runId, succeeded, now));
}

/** The event of a row that a set-based UPDATE moved out of `pending`. */
function bulkEvent(
  runId: string,
  row: { id: number; task_key: string; attempt: number },
  to: TaskRunStatus,
  now: number,
  data?: Record<string, unknown>,
): EventInput {
  checkMove("pending", to, {});
  return moveEvent(movableRow({ ...row, run_id: runId }, "pending"), to, now, { data });
}

/**
 * `from` failed for good (or an operator cancelled it): every transitive dependent still pending becomes
 * `blocked`, not walking through task runs that are done without failing (see the SQLite twin).
 */
export async function blockDependents(
  client: Queryable,
  runId: string,
  fromId: number,
  fromKey: string,
  now: number,
): Promise<void> {
  if (await othersMaySucceed(client, fromId)) return;
  const { rows } = await client.query<{ id: number; task_key: string; attempt: number }>(
    `WITH RECURSIVE downstream(id) AS (
        SELECT d.to_id FROM task_run_dependencies d JOIN task_runs t ON t.id = d.to_id
         WHERE d.from_id = $1 AND t.status NOT IN ('succeeded', 'skipped')
        UNION
        SELECT d.to_id FROM task_run_dependencies d JOIN downstream ON d.from_id = downstream.id
          JOIN task_runs t ON t.id = d.to_id
         WHERE t.status NOT IN ('succeeded', 'skipped')
      )
      UPDATE task_runs SET status = 'blocked', reason = 'upstream_failed', error = $2, finished_at = $3
       WHERE id IN (SELECT id FROM downstream) AND status = 'pending'
      RETURNING id, task_key, attempt`,
    [fromId, upstreamFailedError(fromKey), at(now)],
  );
  rows.sort((a, b) => a.id - b.id);
  await writeEvents(
    client,
    rows.map((row) =>
      bulkEvent(runId, row, "blocked", now, { reason: "upstream_failed", upstream: fromKey }),
    ),
  );
}

/**
 * An operator put `fromId` back on its way (resolved or retried it): the task runs blocked behind it go back
 * to `pending`, then those still cut off by another failed or cancelled task run of the run are blocked again
 * by that one, so that the run can always finish (see the SQLite twin).
 */
export async function unblockDownstream(
  client: Queryable,
  runId: string,
  fromId: number,
  now: number,
): Promise<void> {
  const { rows: blocked } = await client.query<{
    id: number;
    task_key: string;
    attempt: number;
    pending_deps: number;
    sweep_need: string | null;
  }>(
    `WITH RECURSIVE downstream(id) AS (
        SELECT to_id FROM task_run_dependencies WHERE from_id = $1
        UNION
        SELECT d.to_id FROM task_run_dependencies d JOIN downstream ON d.from_id = downstream.id
      )
      SELECT id, task_key, attempt, pending_deps, sweep_need FROM task_runs
       WHERE id IN (SELECT id FROM downstream) AND status = 'blocked'
      ORDER BY id`,
    [fromId],
  );
  await moveTaskRuns(
    client,
    blocked.map((b) => movableRow({ ...b, run_id: runId }, "blocked")),
    "pending",
    now,
    { reason: null, error: null },
  );
  // A group whose points all succeeded while it was blocked settles now.
  await settleGroups(
    client,
    runId,
    blocked.filter((b) => b.sweep_need !== null && b.pending_deps <= 0).map((b) => b.id),
    now,
  );
  const { rows: others } = await client.query<{ id: number; task_key: string }>(
    `SELECT id, task_key FROM task_runs WHERE run_id = $1 AND status IN ('failed', 'cancelled') AND id <> $2
      ORDER BY id`,
    [runId, fromId],
  );
  for (const other of others) await blockDependents(client, runId, other.id, other.task_key, now);
}

const runEvent = (
  runId: string,
  from: RunStatus,
  to: RunStatus,
  now: number,
  data?: Record<string, unknown>,
): EventInput => ({ type: "run.status", runId, from, to, data: data ?? null, at: now });

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
    [runId, from, to, at(now), isTerminalRunStatus(to)],
  );
  if (rowCount) await writeEvents(client, [runEvent(runId, from, to, now, data)]);
}

/**
 * `queued → running` for the runs among these that are still queued (their first claim), without writing
 * the events: the claim writes them in its own order. Returns the started runs' events by run id.
 */
export async function startRuns(
  client: Queryable,
  runIds: readonly string[],
  now: number,
): Promise<Map<string, EventInput>> {
  assertRunTransition("queued", "running");
  const { rows } = await client.query<{ id: string }>(
    `UPDATE runs SET status = 'running', started_at = coalesce(started_at, $2)
      WHERE id = ANY($1::text[]) AND status = 'queued' RETURNING id`,
    [runIds, at(now)],
  );
  return new Map(rows.map((row) => [row.id, runEvent(row.id, "queued", "running", now)]));
}

const sqlList = (statuses: readonly string[]) => `(${statuses.map((s) => `'${s}'`).join(",")})`;

/**
 * Ends the run when none of its task runs can do anything more (`finalRunStatus` in core decides how).
 * Returns the final status, if it ended. Locks the run row before looking, so that two processes finishing
 * the last task runs of one run end it once: the second one waits for the first one's commit, then sees it.
 * One round trip.
 */
export async function finalizeRunIfDone(
  client: Queryable,
  runId: string,
  now: number,
): Promise<RunStatus | null> {
  // Both statements go out together (the connection pipelines); the server starts the second, with its own
  // snapshot, only once the first holds the lock, so it still sees what the lock's previous holder committed.
  const locked = lockRun(client, runId);
  const looked = client.query<{ open: boolean; failing: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM task_runs WHERE run_id = $1 AND status IN ${sqlList(OPEN_TASK_RUN_STATUSES)}) AS open,
            EXISTS (SELECT 1 FROM task_runs t WHERE run_id = $1 AND status IN ${sqlList(FAILING_TASK_RUN_STATUSES)}
                       AND (sweep_group_id IS NULL OR NOT EXISTS (
                         SELECT 1 FROM task_runs g WHERE g.id = t.sweep_group_id AND g.status = 'succeeded'))
                   ) AS failing`,
    [runId],
  );
  const [run, { rows }] = await Promise.all([locked, looked]);
  if (!run || isTerminalRunStatus(run.status)) return null;
  const to = finalRunStatus({
    status: run.status,
    anyOpen: rows[0]?.open ?? false,
    anyFailing: rows[0]?.failing ?? false,
    cancelRequested: run.cancelRequested,
  });
  if (to === null) return null;
  for (const [from, next] of runStepsToFinish(run.status, to)) await moveRun(client, runId, from, next, now);
  return to;
}
