import type { EventInput } from "../sqlite/event-writer.ts";
import { at, type Queryable } from "./transaction.ts";

export type { EventInput };

/**
 * A transaction's connection that keeps the events its operation writes, to insert them all in one statement
 * at the end (`commitWithEvents`), together with the transaction's NOTIFY: a chain hop's completion writes events in
 * three places (its own move, the released dependent, perhaps the run) and pays for one round trip.
 */
export interface EventBuffer extends Queryable {
  readonly bufferedEvents: EventInput[];
}

export function bufferEvents(client: Queryable): EventBuffer {
  return {
    query: ((...args: Parameters<Queryable["query"]>) =>
      (client.query as (...a: unknown[]) => unknown)(...args)) as Queryable["query"],
    bufferedEvents: [],
  };
}

const isBuffer = (client: Queryable): client is EventBuffer =>
  Array.isArray((client as Partial<EventBuffer>).bufferedEvents);

/**
 * Writes events in the order given, inside the transaction of the change they describe: kept for the
 * transaction's `commitWithEvents` when `client` is an `EventBuffer`, inserted at once otherwise.
 */
export async function writeEvents(client: Queryable, events: EventInput[]): Promise<void> {
  if (events.length === 0) return;
  if (isBuffer(client)) client.bufferedEvents.push(...events);
  else await insertEvents(client, events, null);
}

/**
 * Inserts the buffered events and sends the notification (`[channel, payload]`), if any, in one statement, and
 * the COMMIT behind it in the same round trip (the connection pipelines): `withTransaction`'s `commit`. If the
 * insert fails, the COMMIT ends the aborted transaction as a rollback and the insert's error is thrown.
 */
export async function commitWithEvents(buffer: EventBuffer, notify: [string, string] | null): Promise<void> {
  const events = buffer.bufferedEvents.splice(0);
  const last =
    events.length > 0
      ? insertEvents(buffer, events, notify)
      : notify
        ? buffer.query("SELECT pg_notify($1, $2)", notify)
        : Promise.resolve();
  await Promise.all([last, buffer.query("COMMIT")]);
}

/**
 * One INSERT in the order given (`unnest … WITH ORDINALITY … ORDER BY` keeps it, so the serial ids increase
 * in it), with the notification in the same statement when there is one.
 */
async function insertEvents(client: Queryable, events: EventInput[], notify: [string, string] | null) {
  const insert = `INSERT INTO events (type, run_id, task_run_id, task_key, from_status, to_status, data_json, created_at)
     SELECT e.type, e.run_id, e.task_run_id, e.task_key, e.from_status, e.to_status, e.data_json, e.created_at
       FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
            WITH ORDINALITY AS e(type, run_id, task_run_id, task_key, from_status, to_status, data_json, created_at, ord)
      ORDER BY e.ord`;
  const columns = [
    events.map((event) => event.type),
    events.map((event) => event.runId),
    events.map((event) => event.taskRunId ?? null),
    events.map((event) => event.taskKey ?? null),
    events.map((event) => event.from ?? null),
    events.map((event) => event.to ?? null),
    events.map((event) => (event.data ? JSON.stringify(event.data) : null)),
    events.map((event) => at(event.at)),
  ];
  if (notify) {
    await client.query(`WITH inserted AS (${insert} RETURNING 1) SELECT pg_notify($9, $10)`, [
      ...columns,
      ...notify,
    ]);
  } else {
    await client.query(insert, columns);
  }
}
