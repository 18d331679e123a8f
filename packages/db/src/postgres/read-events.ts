import type { EventRecord } from "@taskloom/core";
import { type EventRow, toEventRecord } from "../event-row.ts";
import { epochMs, type Queryable } from "./transaction.ts";

type Row = EventRow<Date>;

/**
 * Events with id > `afterId`, in id order (the PostgreSQL twin of sqlite/read-events.ts).
 *
 * Not yet gap-free under concurrent writers: ids come from a sequence when a transaction inserts, and a
 * transaction that took a lower id may commit after a reader has passed it. The live stream across hosts
 * needs a visibility horizon (for example an xid column) before several concurrent writers can rely on it.
 */
export async function readEvents(
  client: Queryable,
  input: { afterId: number; runId?: string; limit: number },
): Promise<EventRecord[]> {
  const { rows } = input.runId
    ? await client.query<Row>("SELECT * FROM events WHERE run_id = $1 AND id > $2 ORDER BY id LIMIT $3", [
        input.runId,
        input.afterId,
        input.limit,
      ])
    : await client.query<Row>("SELECT * FROM events WHERE id > $1 ORDER BY id LIMIT $2", [
        input.afterId,
        input.limit,
      ]);
  return rows.map((row) => toEventRecord({ ...row, created_at: epochMs(row.created_at) }));
}

/** The newest event id, or 0. */
export async function lastEventId(client: Queryable): Promise<number> {
  const { rows } = await client.query<{ id: number | null }>("SELECT max(id) AS id FROM events");
  return rows[0]?.id ?? 0;
}
