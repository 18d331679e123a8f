import type { Queryable } from "./transaction.ts";

/**
 * Where a reader of the event log may safely stop on PostgreSQL: the highest event id below which every event is
 * final (committed, or rolled back and never to appear).
 *
 * Why it is needed: event ids come from a sequence when a transaction inserts, not when it commits. A transaction
 * that took id 101 can commit after one that took 102, so a reader that has seen 102 and goes on from there would
 * never see 101. Reading only up to the horizon closes that gap.
 *
 * How it is found, without making writers wait for readers or for each other:
 * 1. A *candidate*: the sequence's last value `H`, then (after it, in the same statement) the transaction ids
 *    (xids) of every transaction of this database still running. Every writer takes its xid before any event
 *    id (the `events_take_xid` statement trigger of the migration that made ids bigint), so each transaction
 *    that took an id ≤ H had its xid by then: it has either ended or it is on that list.
 * 2. The candidate is *final* once none of those xids is in progress in a later statement's snapshot: every
 *    transaction that could hold an id ≤ H has ended, and that snapshot sees all of them that committed.
 *
 * The check runs in the same statement as the read (`readEvents`), so the events it returns are exactly those of
 * the snapshot that proved the horizon. A candidate is taken only when the sequence has moved past the final
 * horizon; neither step assigns the reader an xid or takes a lock.
 *
 * Why not the alternatives:
 * - Ordering by the writer's xid (`pg_current_xact_id()` per event, read below `pg_snapshot_xmin`) delivers
 *   whole transactions in the order they *took their xid*, which is not the order they committed: a claim whose
 *   transaction took its xid early (moving due retries to ready) and then claimed a task that a lease reclaim
 *   had just released would be delivered before that reclaim, so a client applying `running → ready` after
 *   `ready → running` would show the task ready while it runs. Event ids are taken at the end of a transaction,
 *   after its row locks, so id order is the commit order of transactions that touch the same rows. The xmin
 *   of a snapshot is also server-wide: a long transaction in any other database would hold the log back.
 * - A counter row updated under lock at commit (gap-free, commit-ordered ids) makes every event-writing
 *   transaction of the cluster wait for the previous one's commit, and a writer cut off before its COMMIT
 *   would stop all of them.
 * - A reader/writer advisory-lock barrier stalls writers queued behind the reader while it waits.
 *
 * The cost: while a transaction of this database that holds an xid stays open (any writer, not only
 * Taskloom's), the horizon cannot pass the ids taken since it began, so newer events wait for it (writers do
 * not). Prepared (two-phase) transactions are not seen; Taskloom uses none.
 */
export class EventHorizon {
  /** Every event with an id ≤ this is final. */
  #final = 0;
  /** Candidates not yet proved final, in ascending id, each with the xids (xid8, as text) it waits for. */
  #pending: { id: number; xids: string[] }[] = [];

  /** The horizon as last proved (0 before the first read). */
  get final(): number {
    return this.#final;
  }

  /** Whether a candidate is still waiting to be proved. */
  get waiting(): boolean {
    return this.#pending.length > 0;
  }

  /** Takes a candidate when events have been written past the final horizon (one statement). */
  async propose(client: Queryable): Promise<void> {
    // The sequence is read in a subquery the planner keeps apart (OFFSET 0), and the running transactions in a
    // subquery that depends on its row, so they are read after it: the order step 1 relies on.
    // pg_stat_activity gives 32-bit xids; each is widened to the xid8 nearest the snapshot's xmax.
    const { rows } = await client.query<{ id: string; xids: string[] }>(
      `SELECT s.id::text AS id,
              (SELECT coalesce(array_agg((r.ref + (a.backend_xid::text::bigint - r.ref % 4294967296 + 6442450944) % 4294967296 - 2147483648)::text), '{}')
                 FROM pg_stat_activity a, (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS ref) r
                WHERE s.id > $1 AND a.datname = current_database() AND a.backend_xid IS NOT NULL) AS xids
         FROM (SELECT coalesce(pg_sequence_last_value('events_id_seq'), 0) AS id OFFSET 0) s`,
      [this.#final],
    );
    const row = rows[0];
    if (!row) return;
    const id = Number(row.id);
    const newest = this.#pending.at(-1);
    if (id > this.#final && (!newest || id > newest.id)) this.#pending.push({ id, xids: row.xids });
  }

  /** The parameters of `horizonSql`: the proved horizon, the candidates' ids, and (candidate, xid) pairs. */
  checkParameters(): [number, number[], number[], string[]] {
    const pairs = this.#pending.flatMap((candidate) =>
      candidate.xids.map((xid) => [candidate.id, xid] as const),
    );
    return [
      this.#final,
      this.#pending.map((c) => c.id),
      pairs.map(([id]) => id),
      pairs.map(([, xid]) => xid),
    ];
  }

  /** Records what a check proved (calls may overlap: the horizon only moves up). */
  proved(horizon: number): void {
    if (horizon <= this.#final) return;
    this.#final = horizon;
    this.#pending = this.#pending.filter((candidate) => candidate.id > horizon);
  }
}

/**
 * A subquery giving `upto`, the highest horizon proved in the statement's own snapshot: the proved one, or the
 * highest candidate none of whose transactions is still in progress. `first` numbers the four parameters of
 * `EventHorizon.checkParameters()`.
 */
export function horizonSql(first: number): string {
  const [proved, ids, pairIds, pairXids] = [first, first + 1, first + 2, first + 3].map((n) => `$${n}`);
  return `SELECT greatest(${proved}::bigint, coalesce((
            SELECT max(c.id) FROM unnest(${ids}::bigint[]) AS c(id)
             WHERE NOT EXISTS (SELECT 1 FROM unnest(${pairIds}::bigint[], ${pairXids}::xid8[]) AS w(candidate, xid)
                                WHERE w.candidate = c.id AND NOT pg_visible_in_snapshot(w.xid, pg_current_snapshot()))
          ), 0)) AS upto`;
}
