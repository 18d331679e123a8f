import type { EventRecord, RunStatus, TaskRunStatus } from "@taskloom/core";
import { epochMs, type Queryable } from "./transaction.ts";

interface EventRow {
  id: number;
  type: string;
  run_id: string | null;
  task_run_id: number | null;
  task_key: string | null;
  from_status: string | null;
  to_status: string | null;
  data_json: string | null;
  created_at: Date;
}

/**
 * Events with id > `afterId`, in id order (the PostgreSQL twin of sqlite/read-events.ts).
 *
 * Not yet gap-free under concurrent writers: ids come from a sequence when a transaction inserts, and a
 * transaction that took a lower id may commit after a reader has passed it. The live stream across hosts
 * (issue 8) needs a visibility horizon before it relies on this; today's writers on PostgreSQL are only the
 * off-hot-path operations.
 */
export async function readEvents(
  client: Queryable,
  input: { afterId: number; runId?: string; limit: number },
): Promise<EventRecord[]> {
  const { rows } = input.runId
    ? await client.query<EventRow>(
        "SELECT * FROM events WHERE run_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        [input.runId, input.afterId, input.limit],
      )
    : await client.query<EventRow>("SELECT * FROM events WHERE id > $1 ORDER BY id LIMIT $2", [
        input.afterId,
        input.limit,
      ]);
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    runId: row.run_id,
    taskRunId: row.task_run_id,
    taskKey: row.task_key,
    fromStatus: row.from_status as TaskRunStatus | RunStatus | null,
    toStatus: row.to_status as TaskRunStatus | RunStatus | null,
    data: row.data_json === null ? null : (JSON.parse(row.data_json) as Record<string, unknown>),
    createdAt: epochMs(row.created_at),
  }));
}

/** The newest event id, or 0. */
export async function lastEventId(client: Queryable): Promise<number> {
  const { rows } = await client.query<{ id: number | null }>("SELECT max(id) AS id FROM events");
  return rows[0]?.id ?? 0;
}
