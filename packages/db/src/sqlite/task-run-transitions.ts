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
  upstreamFailedError,
} from "../task-run-move.ts";
import { prepareEventWriter } from "./event-writer.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";
import { prepareSweepGroups } from "./sweep-groups.ts";

/**
 * The status changes that every operation shares (claim, completion, lease recovery, release, cancel,
 * operator retry). Each function must run inside the caller's transaction; each checks the move against the
 * core transition table and writes its event through the one event writer. Statements are prepared once per
 * database, graphile-worker style.
 */
export interface TaskRunTransitions {
  /**
   * These task runs of one run succeeded: decrement their dependents' counters, once per dependent for the
   * whole batch; pending ones reaching 0 become `ready`. Blocked dependents count down too, so that an
   * operator retry that unblocks them finds a counter of the upstreams still missing.
   */
  releaseDependents(runId: string, fromIds: number[], now: number): void;
  /**
   * `from` failed for good (or an operator cancelled it): every transitive dependent still pending becomes
   * `blocked`. The walk does not pass through task runs that are done without failing (resolved, skipped,
   * reused): what is downstream of them is not cut off.
   */
  blockDependents(runId: string, fromId: number, fromKey: string, now: number): void;
  /**
   * An operator put `fromId` back on its way (resolved or retried it): the task runs blocked behind it go
   * back to `pending`, then those still cut off by another failed or cancelled task run of the run are
   * blocked again by that one, so that the run can always finish.
   */
  unblockDownstream(runId: string, fromId: number, now: number): void;
  /** One guarded status change with its event. Returns false when the row was not in `from` any more. */
  move(row: MovableRow, to: TaskRunStatus, now: number, fields?: MoveFields): boolean;
  /** Ends the run when none of its task runs can do anything more. Returns the final status, if it ended. */
  finalizeRunIfDone(runId: string, now: number): RunStatus | null;
  /** `queued → running` on the first claim of a run. */
  markRunStarted(runId: string, now: number): void;
  /** Writes a run status change with its event (guarded by the transition table). */
  moveRun(runId: string, from: RunStatus, to: RunStatus, now: number, data?: Record<string, unknown>): void;
}

export { type MovableRow, type MoveFields, movableRow };

const sqlList = (statuses: readonly string[]) => `(${statuses.map((s) => `'${s}'`).join(",")})`;

export function prepareTaskRunTransitions(db: SqliteDatabase): TaskRunTransitions {
  const writeEvent = prepareEventWriter(db);

  // In an UPDATE, SET expressions read the row's old values: `pending_deps = d.n` means "these were the last".
  // One statement per completion batch: a join task's row, which holds its whole spec (every upstream key),
  // is rewritten once per batch instead of once per finished upstream.
  // `+status`: without it SQLite drives the UPDATE from a status index and visits every pending task run of
  // every run in the database, instead of the few dependents found through the primary key.
  // A sweep group is never claimed: at 0 it stays `pending` and settles (sweep-groups.ts).
  const decrementDependents = db.prepare<
    [number, string],
    {
      id: number;
      task_key: string;
      status: TaskRunStatus;
      attempt: number;
      pending_deps: number;
      sweep_need: string | null;
    }
  >(
    `UPDATE task_runs
        SET pending_deps = pending_deps - d.n,
            status = CASE WHEN status = 'pending' AND pending_deps = d.n AND sweep_need IS NULL THEN ${runnableStatusSql("kind")}
                          ELSE status END,
            available_at = CASE WHEN status = 'pending' AND pending_deps = d.n THEN ? ELSE available_at END
       FROM (SELECT to_id, count(*) AS n FROM task_run_dependencies
              WHERE from_id IN (SELECT value FROM json_each(?)) GROUP BY to_id) AS d
      WHERE task_runs.id = d.to_id AND +task_runs.status IN ('pending', 'blocked')
      RETURNING id, task_key, status, attempt, pending_deps, sweep_need`,
  );
  const blockDownstream = db.prepare<
    [number, string, number],
    { id: number; task_key: string; attempt: number }
  >(
    `WITH RECURSIVE downstream(id) AS (
        SELECT d.to_id FROM task_run_dependencies d JOIN task_runs t ON t.id = d.to_id
         WHERE d.from_id = ? AND t.status NOT IN ('succeeded', 'skipped')
        UNION
        SELECT d.to_id FROM task_run_dependencies d JOIN downstream ON d.from_id = downstream.id
          JOIN task_runs t ON t.id = d.to_id
         WHERE t.status NOT IN ('succeeded', 'skipped')
      )
      UPDATE task_runs SET status = 'blocked', reason = 'upstream_failed', error = ?, finished_at = ?
       WHERE id IN (SELECT id FROM downstream) AND +status = 'pending'
      RETURNING id, task_key, attempt`,
  );
  // What a failure (or the failure behind a block) cut off, from this task run down.
  const blockedDownstream = db.prepare<
    [number],
    { id: number; task_key: string; attempt: number; pending_deps: number; sweep_need: string | null }
  >(
    `WITH RECURSIVE downstream(id) AS (
        SELECT to_id FROM task_run_dependencies WHERE from_id = ?
        UNION
        SELECT d.to_id FROM task_run_dependencies d JOIN downstream ON d.from_id = downstream.id
      )
      SELECT id, task_key, attempt, pending_deps, sweep_need FROM task_runs
       WHERE id IN (SELECT id FROM downstream) AND status = 'blocked'
      ORDER BY id`,
  );
  const otherFailures = db.prepare<[string, number], { id: number; task_key: string }>(
    `SELECT id, task_key FROM task_runs WHERE run_id = ? AND status IN ('failed', 'cancelled') AND id <> ?
      ORDER BY id`,
  );
  const guardedMove = db.prepare(
    `UPDATE task_runs
        SET status = @to,
            attempt = attempt + @attemptDelta,
            max_attempts = CASE WHEN @setMaxAttempts THEN @maxAttempts ELSE max_attempts END,
            reason = CASE WHEN @setReason THEN @reason ELSE reason END,
            error = CASE WHEN @setError THEN @error ELSE error END,
            exit_code = CASE WHEN @setExitCode THEN @exitCode ELSE exit_code END,
            started_at = CASE WHEN @to = 'running' THEN coalesce(started_at, @now) ELSE started_at END,
            finished_at = CASE WHEN @terminal THEN @now WHEN @to = 'running' THEN NULL ELSE finished_at END,
            lease_owner = @leaseOwner,
            lease_expires_at = @leaseExpiresAt,
            available_at = CASE WHEN @to = 'ready' THEN @now ELSE available_at END
      WHERE id = @id AND status = @from`,
  );
  const anyOpen = db.prepare<[string], { one: number }>(
    `SELECT 1 AS one FROM task_runs WHERE run_id = ? AND status IN ${sqlList(OPEN_TASK_RUN_STATUSES)} LIMIT 1`,
  );
  // A failed point of a sweep group that succeeded anyway (`need: any`, or resolved) does not fail the run.
  const anyFailing = db.prepare<[string], { one: number }>(
    `SELECT 1 AS one FROM task_runs t WHERE run_id = ? AND status IN ${sqlList(FAILING_TASK_RUN_STATUSES)}
        AND (sweep_group_id IS NULL
             OR NOT EXISTS (SELECT 1 FROM task_runs g WHERE g.id = t.sweep_group_id AND g.status = 'succeeded'))
      LIMIT 1`,
  );
  const runState = db.prepare<[string], { status: RunStatus; cancel_requested_at: number | null }>(
    "SELECT status, cancel_requested_at FROM runs WHERE id = ?",
  );
  const updateRun = db.prepare(
    `UPDATE runs SET status = @to,
        started_at = CASE WHEN @to = 'running' THEN coalesce(started_at, @now) ELSE started_at END,
        finished_at = CASE WHEN @terminal THEN @now ELSE NULL END
      WHERE id = @id AND status = @from`,
  );

  /** The event of a row that a set-based UPDATE moved out of `pending`. */
  function writeBulkEvent(
    runId: string,
    row: { id: number; task_key: string; attempt: number },
    to: TaskRunStatus,
    now: number,
    data?: Record<string, unknown>,
  ) {
    checkMove("pending", to, {});
    writeEvent(moveEvent(movableRow({ ...row, run_id: runId }, "pending"), to, now, { data }));
  }

  function moveRun(
    runId: string,
    from: RunStatus,
    to: RunStatus,
    now: number,
    data?: Record<string, unknown>,
  ) {
    assertRunTransition(from, to);
    const terminal = isTerminalRunStatus(to) ? 1 : 0;
    const changed = updateRun.run({ id: runId, from, to, now, terminal }).changes;
    if (changed === 0) return;
    writeEvent({ type: "run.status", runId, from, to, data: data ?? null, at: now });
  }

  const sweeps = prepareSweepGroups(db, (row, to, now, fields) => transitions.move(row, to, now, fields));

  /** Settles sweep groups whose counter reached 0, then releases or blocks what is behind them in turn. */
  function settleGroups(runId: string, groupIds: number[], now: number): void {
    if (groupIds.length === 0) return;
    const { succeeded, failed } = sweeps.settle(groupIds, now);
    for (const group of failed) transitions.blockDependents(runId, group.id, group.task_key, now);
    transitions.releaseDependents(runId, succeeded, now);
  }

  const transitions: TaskRunTransitions = {
    releaseDependents(runId, fromIds, now) {
      if (fromIds.length === 0) return;
      const settled: number[] = [];
      for (const row of decrementDependents.all(now, JSON.stringify(fromIds))) {
        // Only rows that reached zero changed status; the others just counted down.
        if (row.status === "ready" || row.status === "waiting") writeBulkEvent(runId, row, row.status, now);
        // A group settles at 0, or below: `need: any` counts 1, and a batch may complete several points.
        else if (row.sweep_need !== null && row.status === "pending" && row.pending_deps <= 0)
          settled.push(row.id);
      }
      settleGroups(runId, settled, now);
    },

    blockDependents(runId, fromId, fromKey, now) {
      if (sweeps.othersMaySucceed(fromId)) return;
      const error = upstreamFailedError(fromKey);
      for (const row of blockDownstream.all(fromId, error, now)) {
        writeBulkEvent(runId, row, "blocked", now, { reason: "upstream_failed", upstream: fromKey });
      }
    },

    unblockDownstream(runId, fromId, now) {
      const settled: number[] = [];
      for (const blocked of blockedDownstream.all(fromId)) {
        transitions.move(movableRow({ ...blocked, run_id: runId }, "blocked"), "pending", now, {
          reason: null,
          error: null,
        });
        // A group whose points all succeeded while it was blocked settles now (below 0: `need: any` counts
        // down once per point of a completion batch).
        if (blocked.sweep_need !== null && blocked.pending_deps <= 0) settled.push(blocked.id);
      }
      settleGroups(runId, settled, now);
      for (const other of otherFailures.all(runId, fromId)) {
        transitions.blockDependents(runId, other.id, other.task_key, now);
      }
    },

    move(row, to, now, fields = {}) {
      const attemptDelta = checkMove(row.status, to, fields);
      const changed = guardedMove.run({
        id: row.id,
        from: row.status,
        to,
        now,
        attemptDelta,
        terminal: isTerminalTaskRunStatus(to) ? 1 : 0,
        setMaxAttempts: fields.maxAttempts !== undefined ? 1 : 0,
        maxAttempts: fields.maxAttempts ?? null,
        setReason: fields.reason !== undefined ? 1 : 0,
        reason: fields.reason ?? null,
        setError: fields.error !== undefined ? 1 : 0,
        error: fields.error ?? null,
        setExitCode: fields.exitCode !== undefined ? 1 : 0,
        exitCode: fields.exitCode ?? null,
        leaseOwner: fields.lease?.owner ?? null,
        leaseExpiresAt: fields.lease?.expiresAt ?? null,
      }).changes;
      if (changed === 0) return false;
      writeEvent(moveEvent(row, to, now, fields));
      return true;
    },

    finalizeRunIfDone(runId, now) {
      // Checked first and alone: on the hot path almost every call finds an open task run and stops here.
      if (anyOpen.get(runId)) return null;
      const run = runState.get(runId);
      if (!run) return null;
      const to = finalRunStatus({
        status: run.status,
        anyOpen: false,
        anyFailing: anyFailing.get(runId) !== undefined,
        cancelRequested: run.cancel_requested_at !== null,
      });
      if (to === null) return null;
      for (const [from, next] of runStepsToFinish(run.status, to)) moveRun(runId, from, next, now);
      return to;
    },

    markRunStarted(runId, now) {
      const run = runState.get(runId);
      if (run?.status === "queued") moveRun(runId, "queued", "running", now);
    },

    moveRun,
  };
  return transitions;
}
