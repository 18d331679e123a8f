import type { EventInput } from "../sqlite/event-writer.ts";
import { at, type Queryable } from "./transaction.ts";

export type { EventInput };

/**
 * Inserts events in the order given, in one statement (`unnest … WITH ORDINALITY` keeps the order, so the
 * serial ids increase in it). Call it inside the transaction of the change the events describe.
 */
export async function writeEvents(client: Queryable, events: EventInput[]): Promise<void> {
  if (events.length === 0) return;
  await client.query(
    `INSERT INTO events (type, run_id, task_run_id, task_key, from_status, to_status, data_json, created_at)
     SELECT e.type, e.run_id, e.task_run_id, e.task_key, e.from_status, e.to_status, e.data_json, e.created_at
       FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
            WITH ORDINALITY AS e(type, run_id, task_run_id, task_key, from_status, to_status, data_json, created_at, ord)
      ORDER BY e.ord`,
    [
      events.map((event) => event.type),
      events.map((event) => event.runId),
      events.map((event) => event.taskRunId ?? null),
      events.map((event) => event.taskKey ?? null),
      events.map((event) => event.from ?? null),
      events.map((event) => event.to ?? null),
      events.map((event) => (event.data ? JSON.stringify(event.data) : null)),
      events.map((event) => at(event.at)),
    ],
  );
}
