/**
 * Applies Prisma migration folders to a PostgreSQL database at runtime (`taskloom start` and `taskloom worker`
 * migrate as they open), with Prisma's own `_prisma_migrations` bookkeeping, so that `prisma migrate
 * status|deploy` agree with what this runner did. The SQLite twin is run-sqlite-migrations.ts.
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import {
  applyFailed,
  MigrationError,
  type MigrationFile,
  type MigrationRow,
  pendingMigrations,
  readMigrationFiles,
} from "./migration-files.ts";

/** Prisma's DDL for the table on PostgreSQL, as its schema engine writes it. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/**
 * The advisory lock key Prisma's schema engine takes around `migrate deploy|dev` on PostgreSQL. Taking the
 * same one makes Taskloom processes starting together, and a `prisma migrate deploy` run beside them, take
 * turns instead of applying a migration twice.
 */
export const PRISMA_MIGRATION_LOCK_KEY = 72707369;

export interface PostgresMigrationOptions {
  /** How long to wait for another process's migration before giving up with `DATABASE_BUSY`. Default 60000. */
  lockTimeoutMs?: number;
}

/** `<repo>/prisma/postgres/migrations`, found from this source file (packages/db/src/migrations/). */
export function postgresMigrationsDir(): string {
  // Not `new URL(relative, import.meta.url)`: bundlers treat that form as an asset import (see sqliteMigrationsDir).
  return path.join(path.dirname(fileURLToPath(import.meta.url)), "../../../../prisma/postgres/migrations/");
}

/**
 * Applies the migrations of `migrationsDir` that the database has not recorded yet, in lexical order, each in
 * its own transaction (PostgreSQL DDL is transactional: a failing script leaves nothing behind and is not
 * recorded, so the next start retries cleanly), and records each in `_prisma_migrations`.
 *
 * Safe against concurrent starts: the whole run holds Prisma's migration advisory lock on one connection, and
 * decides what to apply only once it holds it, so a second process waits and then finds the work done.
 * Refuses a database whose history does not match the files (see `MigrationError`).
 */
export async function runPostgresMigrations(
  pool: pg.Pool,
  migrationsDir: string,
  options: PostgresMigrationOptions = {},
): Promise<{ applied: string[] }> {
  const files = readMigrationFiles(migrationsDir);
  const client = await pool.connect();
  let locked = false;
  try {
    try {
      // lock_timeout bounds the advisory lock wait too; it is reset before any migration runs.
      await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(options.lockTimeoutMs ?? 60_000))}`);
      await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATION_LOCK_KEY]);
      locked = true;
    } catch (error) {
      if ((error as { code?: string }).code !== "55P03") throw error;
      throw new MigrationError(
        "DATABASE_BUSY",
        "cannot migrate: another process has been migrating this database for too long (lockTimeoutMs)",
        { cause: error },
      );
    } finally {
      await client.query("RESET lock_timeout");
    }
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<MigrationRow>(
      `SELECT id, checksum, finished_at::text AS finished_at, migration_name, rolled_back_at::text AS rolled_back_at
         FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
    );
    const applied: string[] = [];
    for (const next of pendingMigrations(rows, files)) {
      await applyMigration(client, next);
      applied.push(next.name);
    }
    return { applied };
  } finally {
    if (locked)
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATION_LOCK_KEY]).catch(() => {});
    client.release();
  }
}

async function applyMigration(client: pg.PoolClient, next: MigrationFile): Promise<void> {
  const startedAt = new Date();
  await client.query("BEGIN");
  try {
    const before = await client.query<{ xid: string }>("SELECT txid_current()::text AS xid");
    try {
      // No parameters: the simple query protocol runs the whole multi-statement script.
      await client.query(next.script);
      // A script that ended the transaction itself (its work can no longer be undone) leaves us in a new one.
      const after = await client.query<{ xid: string }>("SELECT txid_current()::text AS xid");
      if (after.rows[0]?.xid !== before.rows[0]?.xid) {
        throw new Error("the script must not contain BEGIN, COMMIT or ROLLBACK");
      }
    } catch (error) {
      throw applyFailed(next.name, error);
    }
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
       VALUES ($1, $2, $3, $4, NULL, NULL, $5, 1)`,
      [randomUUID(), next.checksum, new Date(), next.name, startedAt],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}
