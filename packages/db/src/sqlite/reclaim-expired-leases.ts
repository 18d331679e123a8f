import type { AttemptResult, CompletionBatchResult } from "@taskloom/core";
import type { SqliteDatabase } from "./open-sqlite-database.ts";

interface LeasedRow {
  id: number;
  attempt: number;
  lease_owner: string;
}

/**
 * Lease recovery: a running task run whose lease expired, or whose owner is known to be dead, is recorded
 * as a failed attempt (reason `lease_expired`) through the normal completion path. With attempts left it is
 * claimable again at once; without, it fails and blocks its dependents like any other final failure.
 */
export function prepareReclaimExpiredLeases(
  db: SqliteDatabase,
  complete: (results: AttemptResult[], now: number) => CompletionBatchResult,
): (now: number, opts?: { runId?: string; deadWorkerIds?: string[] }) => number {
  const expired = db.prepare<[number], LeasedRow>(
    "SELECT id, attempt, lease_owner FROM task_runs WHERE status = 'running' AND lease_expires_at < ?",
  );
  const expiredOfRun = db.prepare<[string, number], LeasedRow>(
    "SELECT id, attempt, lease_owner FROM task_runs WHERE run_id = ? AND status = 'running' AND lease_expires_at < ?",
  );
  const ownedByDead = db.prepare<[string], LeasedRow>(
    `SELECT id, attempt, lease_owner FROM task_runs
      WHERE status = 'running' AND lease_owner IN (SELECT value FROM json_each(?))`,
  );

  const reclaim = db.transaction((now: number, opts: { runId?: string; deadWorkerIds?: string[] }) => {
    const rows = new Map<number, LeasedRow>();
    for (const row of opts.runId ? expiredOfRun.all(opts.runId, now) : expired.all(now))
      rows.set(row.id, row);
    if (opts.deadWorkerIds && opts.deadWorkerIds.length > 0) {
      for (const row of ownedByDead.all(JSON.stringify(opts.deadWorkerIds))) rows.set(row.id, row);
    }
    const results: AttemptResult[] = [...rows.values()].map((row) => ({
      taskRunId: row.id,
      attempt: row.attempt,
      workerId: row.lease_owner,
      outcome: {
        status: "failed",
        exitCode: null,
        error: `worker ${row.lease_owner} stopped responding (lease expired)`,
        reason: "lease_expired",
        retryAt: now,
      },
    }));
    return complete(results, now).recorded.length;
  });

  return (now, opts = {}) => reclaim.immediate(now, opts);
}
