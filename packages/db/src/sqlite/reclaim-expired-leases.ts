import {
  consecutiveLostLeases,
  DEFAULT_MAX_LOST_LEASES,
  decideLostLease,
  maxAttemptsAfterLostLease,
  type ReclaimOptions,
} from "@taskloom/core";
import { lostLeaseError, type TaskRunStateRow } from "../task-run-move.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";
import { movableRow, type TaskRunTransitions } from "./task-run-transitions.ts";

type LeasedRow = TaskRunStateRow & { lease_owner: string };

/**
 * Lease recovery: a running task run whose lease expired, or whose owner is known to be dead, lost its lease.
 * That is not a failure of the task (`decideLostLease` in core): its attempt is recorded as `lost`, and the
 * task run goes `running → ready` with its retry budget untouched, claimable at once. Only the
 * `maxLostLeases`-th loss in a row fails it (reason `lost`), blocking its dependents like any final failure;
 * then the run is finalized if nothing else is open.
 */
export function prepareReclaimExpiredLeases(
  db: SqliteDatabase,
  transitions: TaskRunTransitions,
): (now: number, opts?: ReclaimOptions) => number {
  const columns = "id, run_id, task_key, status, attempt, max_attempts, lease_owner";
  const expired = db.prepare<[number], LeasedRow>(
    `SELECT ${columns} FROM task_runs WHERE status = 'running' AND lease_expires_at < ?`,
  );
  const expiredOfRun = db.prepare<[string, number], LeasedRow>(
    `SELECT ${columns} FROM task_runs WHERE run_id = ? AND status = 'running' AND lease_expires_at < ?`,
  );
  const ownedByDead = db.prepare<[string], LeasedRow>(
    `SELECT ${columns} FROM task_runs
      WHERE status = 'running' AND lease_owner IN (SELECT value FROM json_each(?))`,
  );
  // Newest first, the attempts before the one just lost: how long the streak of lost leases already is.
  const earlierReasons = db.prepare<[number, number, number], { reason: string | null }>(
    "SELECT reason FROM task_attempts WHERE task_run_id = ? AND attempt < ? ORDER BY attempt DESC LIMIT ?",
  );
  const finishAttempt = db.prepare(
    `UPDATE task_attempts SET status = ?, finished_at = ?, error = ?, reason = 'lost'
      WHERE task_run_id = ? AND attempt = ?`,
  );

  const reclaim = db.transaction((now: number, opts: ReclaimOptions) => {
    const maxLostLeases = opts.maxLostLeases ?? DEFAULT_MAX_LOST_LEASES;
    const rows = new Map<number, LeasedRow>();
    for (const row of opts.runId ? expiredOfRun.all(opts.runId, now) : expired.all(now))
      rows.set(row.id, row);
    if (opts.deadWorkerIds && opts.deadWorkerIds.length > 0) {
      for (const row of ownedByDead.all(JSON.stringify(opts.deadWorkerIds))) rows.set(row.id, row);
    }
    const touchedRuns = new Set<string>();
    for (const row of rows.values()) {
      const reasons = earlierReasons.all(row.id, row.attempt, maxLostLeases).map((r) => r.reason);
      const decision = decideLostLease({ lostBefore: consecutiveLostLeases(reasons), maxLostLeases });
      const movable = movableRow(row, row.status);
      const lostError = lostLeaseError(row.lease_owner);
      const data = { workerId: row.lease_owner, lostInARow: decision.lostInARow };
      if (decision.to === "ready") {
        transitions.move(movable, "ready", now, {
          reason: "lost",
          error: lostError,
          maxAttempts: maxAttemptsAfterLostLease(row.max_attempts),
          data,
        });
        finishAttempt.run("lost", now, lostError, row.id, row.attempt);
      } else {
        transitions.move(movable, "failed", now, { reason: "lost", error: decision.error, data });
        finishAttempt.run("failed", now, decision.error, row.id, row.attempt);
        transitions.blockDependents(row.run_id, row.id, row.task_key, now);
        touchedRuns.add(row.run_id);
      }
    }
    for (const runId of touchedRuns) transitions.finalizeRunIfDone(runId, now);
    return rows.size;
  });

  return (now, opts = {}) => reclaim.immediate(now, opts);
}
