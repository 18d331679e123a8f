import type pg from "pg";

/** What the operations need from a connection: queries. One `PoolClient` inside a transaction. */
export type Queryable = Pick<pg.PoolClient, "query">;

/**
 * Runs `work` in one transaction on one pooled connection (READ COMMITTED, PostgreSQL's default): COMMIT on
 * return, ROLLBACK on a throw. Operations that must not interleave with another writer of the same rows say
 * so with row locks (`FOR UPDATE`) or transaction-level advisory locks, as each operation's file explains.
 */
export async function withTransaction<T>(pool: pg.Pool, work: (client: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** A timestamptz parameter from the epoch ms the ports pass (`pg` sends a Date with its ms exactly). */
export const at = (epochMs: number): Date => new Date(epochMs);

/** A timestamptz column as the epoch ms the ports return. */
export const epochMs = (value: Date): number => value.getTime();
