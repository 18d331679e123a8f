import type { SqliteDatabase } from "./open-sqlite-database.ts";

/**
 * Heartbeat: one UPDATE extends every lease a worker still holds. The ids it did not extend are returned:
 * their lease was lost (expired, or taken back from a worker found dead), so the worker must stop treating them
 * as its own.
 */
export function prepareHeartbeatLeases(
  db: SqliteDatabase,
): (workerId: string, taskRunIds: number[], leaseMs: number, now: number) => number[] {
  const extend = db.prepare<[number, string, string], { id: number }>(
    `UPDATE task_runs SET lease_expires_at = ?
      WHERE id IN (SELECT value FROM json_each(?)) AND status = 'running' AND lease_owner = ?
      RETURNING id`,
  );
  return (workerId, taskRunIds, leaseMs, now) => {
    if (taskRunIds.length === 0) return [];
    const held = new Set(
      extend.all(now + leaseMs, JSON.stringify(taskRunIds), workerId).map((row) => row.id),
    );
    return taskRunIds.filter((id) => !held.has(id));
  };
}
