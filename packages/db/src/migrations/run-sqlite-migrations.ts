/**
 * Applies Prisma migration folders to an embedded SQLite database at runtime, so that `taskloom start` needs no
 * Prisma CLI and no native schema engine. The bookkeeping is Prisma's own `_prisma_migrations` table, byte for
 * byte, so that `prisma migrate status|deploy` (native or wasm engine) agree with what this runner did.
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type Database from "better-sqlite3";
import {
  applyFailed,
  MigrationError,
  type MigrationFile,
  type MigrationRow,
  pendingMigrations,
  prismaTimestamp,
  readMigrationFiles,
} from "./migration-files.ts";

export { MigrationError, type MigrationErrorKind, type MigrationFile } from "./migration-files.ts";

/**
 * Prisma's DDL for the table on SQLite, as its schema engine writes it (whitespace included), so that the
 * table definition in `sqlite_master` is the same whoever created it.
 */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

/** `<repo>/prisma/sqlite/migrations`, found from this source file (packages/db/src/migrations/). */
export function sqliteMigrationsDir(): string {
  // Not `new URL(relative, import.meta.url)`: bundlers (Turbopack in the web app) treat that form as an asset
  // import and fail the build on a directory.
  return path.join(path.dirname(fileURLToPath(import.meta.url)), "../../../../prisma/sqlite/migrations/");
}

/** Reads the migration folders in the order they apply (kept under its SQLite name for existing callers). */
export const readSqliteMigrations = readMigrationFiles;

/**
 * Applies the migrations of `migrationsDir` that `db` has not recorded yet, in lexical order, each in its own
 * transaction, and records each in `_prisma_migrations`.
 *
 * Safe against concurrent starts: every step takes the write lock first (`BEGIN IMMEDIATE`) and decides what to
 * apply only inside it, so a second process waits (up to the connection's busy timeout) and then finds the work
 * done. Refuses a database whose history does not match the files (see `MigrationError`).
 */
export function runSqliteMigrations(db: Database.Database, migrationsDir: string): { applied: string[] } {
  const files = readMigrationFiles(migrationsDir);
  const applied: string[] = [];
  // Prisma's SQLite migrations redefine tables (create new_x, copy, DROP x, rename) between
  // `PRAGMA foreign_keys=OFF/ON`. Those pragmas are no-ops inside a transaction, and with foreign keys on,
  // `DROP TABLE x` deletes x's rows first and fires ON DELETE CASCADE on the children: data loss. So the
  // enforcement is switched off around the transaction and the constraints are checked before commit,
  // SQLite's documented procedure for schema changes.
  if (db.inTransaction) {
    throw new MigrationError("APPLY_FAILED", "cannot migrate inside an open transaction");
  }
  // Number(): the connection may return BigInts (`defaultSafeIntegers`).
  const foreignKeysWereOn = Number(db.pragma("foreign_keys", { simple: true })) === 1;
  if (foreignKeysWereOn) db.pragma("foreign_keys = OFF");
  try {
    for (;;) {
      const next = applyNextMigration(db, files);
      if (next === null) break;
      applied.push(next);
    }
  } finally {
    if (foreignKeysWereOn) db.pragma("foreign_keys = ON");
  }
  return { applied };
}

/** One step under the write lock: validate the history, apply the first pending migration. Null when none. */
function applyNextMigration(db: Database.Database, files: MigrationFile[]): string | null {
  try {
    db.exec("BEGIN IMMEDIATE");
  } catch (error) {
    if (!(error instanceof Error && "code" in error && String(error.code).startsWith("SQLITE_BUSY")))
      throw error;
    throw new MigrationError(
      "DATABASE_BUSY",
      "cannot migrate: another process holds the database's write lock (raise the connection's busy timeout?)",
      { cause: error },
    );
  }
  try {
    db.exec(CREATE_MIGRATIONS_TABLE);
    const rows = db
      .prepare<[], MigrationRow>(
        `SELECT id, checksum, finished_at, migration_name, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
      )
      .all();
    const next = pendingMigrations(rows, files)[0];
    if (!next) {
      db.exec("COMMIT");
      return null;
    }
    const startedAt = prismaTimestamp();
    try {
      db.exec(next.script);
      if (!db.inTransaction) {
        // The script committed or rolled back on its own: what it did can no longer be undone with it.
        throw new Error("the script must not contain BEGIN, COMMIT or ROLLBACK");
      }
    } catch (error) {
      throw applyFailed(next.name, error);
    }
    const violations = db.pragma("foreign_key_check") as unknown[];
    if (violations.length > 0) {
      throw new MigrationError(
        "APPLY_FAILED",
        `migration ${next.name} was not applied: it leaves ${violations.length} foreign key violation(s)`,
        { migration: next.name },
      );
    }
    db.prepare(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)`,
    ).run(randomUUID(), next.checksum, prismaTimestamp(), next.name, startedAt);
    db.exec("COMMIT");
    return next.name;
  } catch (error) {
    // A failed script is rolled back whole (SQLite DDL is transactional) and is not recorded: unlike on
    // PostgreSQL, nothing half-applied is left for a human to resolve, and the next start retries cleanly.
    if (db.inTransaction) db.exec("ROLLBACK");
    throw error;
  }
}
