/**
 * What the runtime migration runners of both providers share: reading the migration folders, Prisma's
 * checksums and timestamps, and the history checks Prisma itself applies before migrating.
 */
import { createHash } from "node:crypto";
import { type Dirent, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { TaskloomError } from "@taskloom/core";

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

export interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: string | null;
  migration_name: string;
  rolled_back_at: string | null;
}

const sha256 = (data: Buffer | string): string => createHash("sha256").update(data).digest("hex");

// Plain code-unit order, not localeCompare: it must be the same lexical order as Prisma's on every machine.
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Reads the migration folders in the order they apply. */
export function readMigrationFiles(migrationsDir: string): MigrationFile[] {
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
export const prismaTimestamp = (): string => new Date().toISOString().replace("Z", "+00:00");

/**
 * Refuses the states Prisma itself refuses, and returns the files that still have to be applied. Rolled-back
 * rows are history only (Prisma ignores them too).
 */
export function pendingMigrations(rows: MigrationRow[], files: MigrationFile[]): MigrationFile[] {
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

/** A migration script failed (it is rolled back whole and not recorded). */
export function applyFailed(migration: string, error: unknown): MigrationError {
  const reason = error instanceof Error ? error.message : String(error);
  return new MigrationError("APPLY_FAILED", `migration ${migration} failed and was not applied: ${reason}`, {
    migration,
    cause: error,
  });
}
