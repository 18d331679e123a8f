import type { SqliteDatabase } from "./open-sqlite-database.ts";

/**
 * Worker retention: deletes the workers last seen (heartbeat or stop, both stamp `heartbeat_at`) before
 * `seenBefore` that hold no lease. Returns the ids, sorted.
 */
export function preparePruneWorkers(db: SqliteDatabase): (seenBefore: number) => string[] {
  const prune = db.prepare<[number], { id: string }>(
    `DELETE FROM workers
      WHERE heartbeat_at < ?
        AND NOT EXISTS (SELECT 1 FROM task_runs t WHERE t.status = 'running' AND t.lease_owner = workers.id)
      RETURNING id`,
  );
  return (seenBefore) =>
    prune
      .all(seenBefore)
      .map((row) => row.id)
      .sort();
}
