/**
 * Applies Prisma migration folders to an embedded SQLite database at runtime, so that `taskloom start` needs no
 * Prisma CLI and no native schema engine. The bookkeeping is Prisma's own `_prisma_migrations` table, byte for
 * byte, so that `prisma migrate status|deploy` (native or wasm engine) agree with what this runner did.
 */
import { createHash, randomUUID } from "node:crypto";
import { type Dirent, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TaskloomError } from "@taskloom/core";
import type Database from "better-sqlite3";

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

export type MigrationErrorKind =
  /** A migration recorded as applied no longer matches its file. */
  | "CHECKSUM_MISMATCH"
  /** A migration was recorded as started but never finished (it failed under another tool). */
  | "FAILED_MIGRATION"
  /** The database has a migration this build does not know: it was migrated by a newer Taskloom. */
  | "UNKNOWN_MIGRATION"
  /** A migration script failed; the database was left as it was before that migration. */
  | "APPLY_FAILED"
  /** The migrations folder is missing or malformed. */
  | "BAD_MIGRATIONS_DIR"
  /** Another connection kept the write lock longer than this connection's busy timeout. */
  | "DATABASE_BUSY";

/** Why migrating failed; `migration` names the offending `<ts>_<name>` folder when there is one. */
export class MigrationError extends TaskloomError {
  readonly kind: MigrationErrorKind;
  readonly migration: string | undefined;
  constructor(
    kind: MigrationErrorKind,
    message: string,
    options: { migration?: string; cause?: unknown } = {},
  ) {
    super("DATABASE", message, { cause: options.cause });
    this.kind = kind;
    this.migration = options.migration;
  }
}

export interface MigrationFile {
  /** The folder name, `<YYYYMMDDHHMMSS>_<name>`. */
  name: string;
  script: string;
  /** sha256 hex of the file's bytes, as Prisma computes it. */
  checksum: string;
  /** Same, with CRLF turned into LF: see `checksumMatches`. */
  checksumLf: string;
}

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: string | null;
  migration_name: string;
  rolled_back_at: string | null;
}

/** `<repo>/prisma/sqlite/migrations`, found from this source file (packages/db/src/migrations/). */
export function sqliteMigrationsDir(): string {
  // Not `new URL(relative, import.meta.url)`: bundlers (Turbopack in the web app) treat that form as an asset
  // import and fail the build on a directory.
  return path.join(path.dirname(fileURLToPath(import.meta.url)), "../../../../prisma/sqlite/migrations/");
}

const sha256 = (data: Buffer | string): string => createHash("sha256").update(data).digest("hex");

// Plain code-unit order, not localeCompare: it must be the same lexical order as Prisma's on every machine.
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Reads the migration folders in the order they apply. */
export function readSqliteMigrations(migrationsDir: string): MigrationFile[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(migrationsDir, { withFileTypes: true });
  } catch (error) {
    throw new MigrationError("BAD_MIGRATIONS_DIR", `cannot read the migrations folder ${migrationsDir}`, {
      cause: error,
    });
  }
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort(byName)
    .map((name) => {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path.join(migrationsDir, name, "migration.sql"));
      } catch (error) {
        throw new MigrationError("BAD_MIGRATIONS_DIR", `migration ${name} has no readable migration.sql`, {
          migration: name,
          cause: error,
        });
      }
      const script = bytes.toString("utf8");
      return { name, script, checksum: sha256(bytes), checksumLf: sha256(script.replaceAll("\r\n", "\n")) };
    });
}

/**
 * A checkout with CRLF line endings (git autocrlf on Windows) changes the file's bytes but not the migration;
 * Prisma tolerates that too, so either checksum counts as a match.
 */
function checksumMatches(file: MigrationFile, recorded: string): boolean {
  return recorded === file.checksum || recorded === file.checksumLf;
}

/** Prisma's engine writes timestamps as RFC 3339 text with milliseconds and an explicit UTC offset. */
const prismaTimestamp = (): string => new Date().toISOString().replace("Z", "+00:00");

/**
 * Refuses the states Prisma itself refuses, and returns the files that still have to be applied. Rolled-back
 * rows are history only (Prisma ignores them too).
 */
function pendingMigrations(rows: MigrationRow[], files: MigrationFile[]): MigrationFile[] {
  const filesByName = new Map(files.map((file) => [file.name, file]));
  const applied = new Set<string>();
  for (const row of rows) {
    if (row.rolled_back_at !== null) continue;
    const file = filesByName.get(row.migration_name);
    if (!file) {
      throw new MigrationError(
        "UNKNOWN_MIGRATION",
        `the database has migration ${row.migration_name}, which this Taskloom does not know: the database is newer than this Taskloom (upgrade Taskloom, or use another database)`,
        { migration: row.migration_name },
      );
    }
    if (row.finished_at === null) {
      throw new MigrationError(
        "FAILED_MIGRATION",
        `migration ${row.migration_name} was started but never finished on this database; repair the database by hand and mark it rolled back (prisma migrate resolve --rolled-back ${row.migration_name}) before starting again`,
        { migration: row.migration_name },
      );
    }
    if (!checksumMatches(file, row.checksum)) {
      throw new MigrationError(
        "CHECKSUM_MISMATCH",
        `migration ${row.migration_name} was modified after it was applied to this database (checksum ${row.checksum} recorded, ${file.checksum} on disk); restore the original migration.sql`,
        { migration: row.migration_name },
      );
    }
    applied.add(row.migration_name);
  }
  return files.filter((file) => !applied.has(file.name));
}

/**
 * Applies the migrations of `migrationsDir` that `db` has not recorded yet, in lexical order, each in its own
 * transaction, and records each in `_prisma_migrations`.
 *
 * Safe against concurrent starts: every step takes the write lock first (`BEGIN IMMEDIATE`) and decides what to
 * apply only inside it, so a second process waits (up to the connection's busy timeout) and then finds the work
 * done. Refuses a database whose history does not match the files (see `MigrationError`).
 */
export function runSqliteMigrations(db: Database.Database, migrationsDir: string): { applied: string[] } {
  const files = readSqliteMigrations(migrationsDir);
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
      const reason = error instanceof Error ? error.message : String(error);
      throw new MigrationError(
        "APPLY_FAILED",
        `migration ${next.name} failed and was not applied: ${reason}`,
        {
          migration: next.name,
          cause: error,
        },
      );
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
