import { at, type Queryable } from "./transaction.ts";

/**
 * Worker retention, the PostgreSQL twin of sqlite/prune-workers.ts: deletes the workers last seen before
 * `seenBefore` that hold no lease, in one statement (a worker claiming at that moment is one seen just now, so
 * the two cannot race). Heartbeats are stamped by each host's clock; against a retention of hours, skew between
 * hosts does not matter.
 */
export async function pruneWorkers(client: Queryable, seenBefore: number): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(
    `DELETE FROM workers w
      WHERE w.heartbeat_at < $1
        AND NOT EXISTS (SELECT 1 FROM task_runs t WHERE t.status = 'running' AND t.lease_owner = w.id)
      RETURNING w.id`,
    [at(seenBefore)],
  );
  return rows.map((row) => row.id).sort();
}
