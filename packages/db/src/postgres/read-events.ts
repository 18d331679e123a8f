import type { EventRecord } from "@taskloom/core";
import { type EventRow, toEventRecord } from "../event-row.ts";
import { type EventHorizon, horizonSql } from "./event-horizon.ts";
import { epochMs, type Queryable } from "./transaction.ts";

/** An event row as `pg` returns it: `bigint` ids arrive as strings. */
type Row = Omit<EventRow<Date>, "id"> & { id: string };

/** `pg` gives a `bigint` as a string; event ids stay exact as JS numbers up to 2^53 (centuries of events). */
export function eventIdFrom(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id))
    throw new Error(`event id ${value} is beyond what a JS number holds exactly`);
  return id;
}

const toRecord = (row: Row): EventRecord =>
  toEventRecord({ ...row, id: eventIdFrom(row.id), created_at: epochMs(row.created_at) });

/** The most a caller waits between two checks while an older transaction keeps the horizon back, in ms. */
const MAX_CHECK_WAIT_MS = 50;

/**
 * Events with id > `afterId`, in id order, and only final ones (the PostgreSQL twin of sqlite/read-events.ts):
 * none of a lower id can commit later, so a reader that goes on from the last id it got misses nothing (see
 * `EventHorizon`). What is committed but not yet proved final comes in a later read.
 *
 * When the candidate taken for this read is not proved by its own statement (a transaction that was running is
 * still finishing), the check is made once more at once: those transactions are usually done within the round
 * trip, and the events just committed then come now rather than at the reader's next wake-up or poll.
 */
export async function readEvents(
  client: Queryable,
  horizon: EventHorizon,
  input: { afterId: number; runId?: string; limit: number },
): Promise<EventRecord[]> {
  await horizon.propose(client);
  const events = await readFinal(client, horizon, input);
  if (!horizon.waiting || events.length >= input.limit) return events;
  const more = await readFinal(client, horizon, {
    ...input,
    afterId: events.at(-1)?.id ?? input.afterId,
    limit: input.limit - events.length,
  });
  return more.length === 0 ? events : [...events, ...more];
}

/** One statement: proves what it can of the horizon and reads the final events after `afterId` in its snapshot. */
async function readFinal(
  client: Queryable,
  horizon: EventHorizon,
  input: { afterId: number; runId?: string; limit: number },
): Promise<EventRecord[]> {
  const byRun = input.runId ? "AND run_id = $7" : "";
  const { rows } = await client.query<Partial<Row> & { upto: string }>(
    `WITH horizon AS (${horizonSql(3)})
     SELECT h.upto::text AS upto, e.*
       FROM horizon h
       LEFT JOIN LATERAL (SELECT * FROM events WHERE id > $1 AND id <= h.upto ${byRun} ORDER BY id LIMIT $2) e ON true
      ORDER BY e.id`,
    [input.afterId, input.limit, ...horizon.checkParameters(), ...(input.runId ? [input.runId] : [])],
  );
  const first = rows[0];
  if (first) horizon.proved(eventIdFrom(first.upto));
  return rows.filter((row): row is Row & { upto: string } => row.id != null).map(toRecord);
}

/**
 * The newest final event id (or 0): every event up to it is committed or never will be. Waits, when a
 * transaction that was open at the call is still running, until it ends (normally well under a millisecond),
 * so that a reader starting from here misses nothing that commits later.
 */
export async function lastEventId(client: Queryable, horizon: EventHorizon): Promise<number> {
  await horizon.propose(client);
  for (let waitMs = 1; ; waitMs = Math.min(waitMs * 2, MAX_CHECK_WAIT_MS)) {
    const { rows } = await client.query<{ upto: string; last: string | null }>(
      `WITH horizon AS (${horizonSql(1)})
       SELECT h.upto::text AS upto, (SELECT max(id) FROM events WHERE id <= h.upto)::text AS last FROM horizon h`,
      horizon.checkParameters(),
    );
    const row = rows[0];
    if (row) horizon.proved(eventIdFrom(row.upto));
    if (!horizon.waiting) return row?.last ? eventIdFrom(row.last) : 0;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}
