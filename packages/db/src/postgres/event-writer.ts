import pg from "pg";
import type { EventInput } from "../sqlite/event-writer.ts";
import { at, type Queryable } from "./transaction.ts";

export type { EventInput };

/**
 * A transaction's connection that keeps the events its operation writes, to insert them all in one statement
 * at the end (`eventsAndNotifySql`), sent with the transaction's NOTIFY and its COMMIT: a chain hop's completion
 * writes events in three places (its own move, the released dependent, perhaps the run) and pays for no round
 * trip of its own.
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
 * transaction's `eventsAndNotifySql` when `client` is an `EventBuffer`, inserted at once otherwise.
 */
export async function writeEvents(client: Queryable, events: EventInput[]): Promise<void> {
  if (events.length === 0) return;
  if (isBuffer(client)) client.bufferedEvents.push(...events);
  else await insertEvents(client, events);
}

/**
 * The transaction's last statements, for `withTransaction`'s `commitWith`: the buffered events' INSERT and the
 * notification (`[channel, payload]`), if any, as parameter-free SQL (values inlined as escaped literals), so
 * that they travel with the COMMIT in ONE round trip instead of two. Null when there is nothing to send.
 */
export function eventsAndNotifySql(buffer: EventBuffer, notify: [string, string] | null): string | null {
  const events = buffer.bufferedEvents.splice(0);
  const statements: string[] = [];
  if (events.length > 0) {
    const rows = events.map((event) => ({
      type: event.type,
      run_id: event.runId,
      task_run_id: event.taskRunId ?? null,
      task_key: event.taskKey ?? null,
      from_status: event.from ?? null,
      to_status: event.to ?? null,
      data_json: event.data ? JSON.stringify(event.data) : null,
      created_at: at(event.at).toISOString(),
    }));
    // `WITH ORDINALITY … ORDER BY` keeps the order given, so the serial ids increase in it.
    statements.push(
      `INSERT INTO events (type, run_id, task_run_id, task_key, from_status, to_status, data_json, created_at)
       SELECT e.v->>'type', e.v->>'run_id', (e.v->>'task_run_id')::int, e.v->>'task_key', e.v->>'from_status',
              e.v->>'to_status', e.v->>'data_json', (e.v->>'created_at')::timestamptz
         FROM json_array_elements(${pg.escapeLiteral(JSON.stringify(rows))}::json) WITH ORDINALITY AS e(v, ord)
        ORDER BY e.ord`,
    );
  }
  if (notify)
    statements.push(`SELECT pg_notify(${pg.escapeLiteral(notify[0])}, ${pg.escapeLiteral(notify[1])})`);
  return statements.length > 0 ? statements.join(";\n") : null;
}

/** One INSERT in the order given (`unnest … WITH ORDINALITY … ORDER BY` keeps it, so the serial ids increase in it). */
async function insertEvents(client: Queryable, events: EventInput[]) {
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
  await client.query(insert, columns);
}
