import type { QueueSettings } from "@taskloom/core";
import type { Queryable } from "./transaction.ts";

/**
 * Every queue in use, configured or only named by task runs (the PostgreSQL twin of sqlite/queue-settings.ts).
 * Names sort bytewise (`COLLATE "C"`), as on SQLite, whatever the database's collation.
 */
export async function listQueues(
  client: Queryable,
): Promise<(QueueSettings & { ready: number; running: number })[]> {
  const { rows } = await client.query<QueueSettings & { ready: number; running: number }>(
    `WITH names(name) AS (SELECT name FROM queues UNION SELECT DISTINCT queue FROM task_runs)
     SELECT n.name, q.concurrency, coalesce(q.paused, false) AS paused,
            (SELECT count(*)::int FROM task_runs t WHERE t.status = 'ready' AND t.queue = n.name) AS ready,
            (SELECT count(*)::int FROM task_runs t WHERE t.status = 'running' AND t.queue = n.name) AS running
       FROM names n LEFT JOIN queues q ON q.name = n.name ORDER BY n.name COLLATE "C"`,
  );
  return rows;
}

/** Changes only the fields given, creating the queue row when needed; one statement, so no lost update. */
export async function configureQueue(
  client: Queryable,
  name: string,
  change: { concurrency?: number | null; paused?: boolean },
): Promise<QueueSettings> {
  const { rows } = await client.query<QueueSettings>(
    `INSERT INTO queues AS q (name, concurrency, paused) VALUES ($1, $3, coalesce($5, false))
     ON CONFLICT (name) DO UPDATE SET
        concurrency = CASE WHEN $2 THEN excluded.concurrency ELSE q.concurrency END,
        paused = CASE WHEN $4 THEN excluded.paused ELSE q.paused END
     RETURNING name, concurrency, paused`,
    [
      name,
      change.concurrency !== undefined,
      change.concurrency ?? null,
      change.paused !== undefined,
      change.paused ?? null,
    ],
  );
  const row = rows[0];
  return { name, concurrency: row?.concurrency ?? null, paused: row?.paused ?? false };
}
