import { TaskloomError } from "@taskloom/core";
import type pg from "pg";

/** How often the database's identity is checked, in ms: one catalog query. */
const CHECK_EVERY_MS = 5_000;

/** SQLSTATE 3D000 (invalid_catalog_name): the database a connection asks for does not exist. */
const NO_SUCH_DATABASE = "3D000";

/** The database's oid: it changes when a database of the same name is dropped and created again. */
export async function databaseIdentity(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ oid: number }>(
    "SELECT oid::int AS oid FROM pg_database WHERE datname = current_database()",
  );
  return rows[0]?.oid ?? 0;
}

/**
 * The PostgreSQL twin of `sqlite/watch-database-file.ts`: calls `onLost` once if the database is dropped, or
 * dropped and created again under the same name (a restore over it), while Taskloom uses it — what it writes
 * from then on no longer joins the history it had. A server that is down or restarting is not a loss: the
 * query fails for a while and the pool reconnects, so only "no such database" and a changed oid count.
 */
export function watchDatabase(
  pool: pg.Pool,
  identity: number,
  database: string,
  onLost: (error: TaskloomError) => void,
  options: { intervalMs?: number } = {},
): () => void {
  let checking = false;
  const lost = (problem: string) => {
    clearInterval(timer);
    onLost(
      new TaskloomError(
        "DATABASE",
        `the PostgreSQL database ${database} ${problem} while Taskloom was using it; stopping, because nothing written from now on would join its history`,
      ),
    );
  };
  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      const now = await databaseIdentity(pool);
      if (now !== identity) lost("was dropped and created again");
    } catch (error) {
      if ((error as { code?: string }).code === NO_SUCH_DATABASE) lost("was dropped");
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), options.intervalMs ?? CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
