import type { QueueSettings } from "@taskloom/core";
import type { SqliteDatabase } from "./open-sqlite-database.ts";

interface QueueRow {
  name: string;
  concurrency: number | null;
  paused: number;
}

/**
 * Queue settings, read at every claim (`claim-task-runs.ts`). Queues that tasks name but nobody configured
 * are listed too, from the task runs, so `taskloom queues` shows every queue in use.
 */
export function prepareQueueSettings(db: SqliteDatabase) {
  const list = db.prepare<[], QueueRow & { ready: number; running: number }>(
    `WITH names(name) AS (SELECT name FROM queues UNION SELECT DISTINCT queue FROM task_runs)
     SELECT n.name, q.concurrency, coalesce(q.paused, 0) AS paused,
            (SELECT count(*) FROM task_runs t WHERE t.status = 'ready' AND t.queue = n.name) AS ready,
            (SELECT count(*) FROM task_runs t WHERE t.status = 'running' AND t.queue = n.name) AS running
       FROM names n LEFT JOIN queues q ON q.name = n.name ORDER BY n.name`,
  );
  const ensure = db.prepare("INSERT INTO queues (name) VALUES (?) ON CONFLICT(name) DO NOTHING");
  const setConcurrency = db.prepare("UPDATE queues SET concurrency = ? WHERE name = ?");
  const setPaused = db.prepare("UPDATE queues SET paused = ? WHERE name = ?");
  const get = db.prepare<[string], QueueRow>("SELECT name, concurrency, paused FROM queues WHERE name = ?");
  const configure = db.transaction(
    (name: string, change: { concurrency?: number | null; paused?: boolean }): QueueSettings => {
      ensure.run(name);
      if (change.concurrency !== undefined) setConcurrency.run(change.concurrency, name);
      if (change.paused !== undefined) setPaused.run(change.paused ? 1 : 0, name);
      const row = get.get(name);
      return { name, concurrency: row?.concurrency ?? null, paused: row?.paused === 1 };
    },
  );
  return {
    list: () => list.all().map((row) => ({ ...row, paused: row.paused === 1 })),
    configure: (name: string, change: { concurrency?: number | null; paused?: boolean }) =>
      configure.immediate(name, change),
  };
}
