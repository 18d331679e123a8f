import type pg from "pg";

/** What the operations need from a connection: queries. One `PoolClient` inside a transaction. */
export type Queryable = Pick<pg.PoolClient, "query">;

/** SQLSTATEs after which the whole transaction may simply run again: deadlock, serialization failure. */
const RETRYABLE = new Set(["40P01", "40001"]);
const MAX_TRIES = 5;

/**
 * Runs `work` in one transaction on one pooled connection (READ COMMITTED, PostgreSQL's default): COMMIT on
 * return, ROLLBACK on a throw. Operations that must not interleave with another writer of the same rows say
 * so with row locks (`FOR NO KEY UPDATE`, or `FOR UPDATE SKIP LOCKED` in claims) or transaction-level advisory locks, as each operation's file explains.
 * A deadlock (two transactions locking the same rows in different orders, which PostgreSQL breaks by aborting
 * one) is not an error of the operation: the aborted one rolled back completely, so it runs again.
 *
 * The pool's connections pipeline (`pipeline: true`, see open-postgres-database.ts): BEGIN goes out with the
 * first statement of `work` instead of costing a round trip of its own, and `commit` (default: a plain COMMIT)
 * may send its last statements and the COMMIT together. A statement that fails aborts the transaction, so
 * everything pipelined behind it fails too and the COMMIT ends it as a rollback; every promise is awaited, so
 * the first error is the one thrown.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: Queryable) => Promise<T>,
  commit: (client: Queryable, result: T) => Promise<unknown> = commitOnly,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    // A connection that cannot even roll back is broken: destroy it rather than hand it to the next caller.
    let broken = false;
    // The pool listens for errors of idle connections only: one lost between two statements of this
    // transaction (a terminated backend) would otherwise be an uncaught error that ends the process. The
    // next statement fails instead, and the transaction with it.
    const onError = () => {
      broken = true;
    };
    client.on("error", onError);
    try {
      const begun = client.query("BEGIN");
      // Its failure fails the statements behind it, which report it; it must not be an unhandled rejection.
      begun.catch(() => {});
      const result = await work(client);
      await begun;
      await commit(client, result);
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      const code = (error as { code?: unknown }).code;
      if (attempt >= MAX_TRIES || typeof code !== "string" || !RETRYABLE.has(code)) throw error;
    } finally {
      client.off("error", onError);
      client.release(broken);
    }
  }
}

const commitOnly = (client: Queryable) => client.query("COMMIT");

/** A timestamptz parameter from the epoch ms the ports pass (`pg` sends a Date with its ms exactly). */
export const at = (epochMs: number): Date => new Date(epochMs);

/** A timestamptz column as the epoch ms the ports return. */
export const epochMs = (value: Date): number => value.getTime();
