/**
 * Offline migration authoring for the SQLite provider folder, through Prisma's wasm schema engine (the native
 * engine `prisma migrate dev` needs cannot be downloaded here).
 *
 *   pnpm --filter @taskloom/db migration:dev --name add_queue_note   # writes prisma/sqlite/migrations/<ts>_add_queue_note/
 *   pnpm --filter @taskloom/db migration:check                       # exit 1 when migrations and schema drift
 *
 * Both compare what the committed migrations build (replayed on a throwaway shadow SQLite file) with
 * prisma/sqlite/schema.prisma + models.prisma. Nothing here touches a real database.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { readSqliteMigrations, runSqliteMigrations } from "../src/migrations/run-sqlite-migrations.ts";
import {
  createSqliteMigration,
  diffMigrationsToSchema,
  readSqliteSchemaFiles,
  SQLITE_MIGRATION_LOCK,
  sqlitePrismaDir,
} from "../src/migrations/schema-engine.ts";

const migrationsDir = path.join(sqlitePrismaDir, "migrations");
const repoRoot = path.resolve(sqlitePrismaDir, "../..");
const rel = (p: string): string => path.relative(repoRoot, p) || ".";

const USAGE = `usage:
  migration-dev.ts --name <name>   create prisma/sqlite/migrations/<timestamp>_<name>/migration.sql from the schema
  migration-dev.ts --check         fail (exit 1) when the committed migrations do not produce the schema`;

/** Prisma's CLI turns the name into a folder-safe slug the same way; the engine itself does not. */
function migrationSlug(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 200);
}

/** migrate dev writes this file; the engine refuses a migrations folder without it (or for another provider). */
async function ensureMigrationLock(): Promise<void> {
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  const current = await readFile(lockPath, "utf8").catch(() => null);
  if (current === null) {
    await mkdir(migrationsDir, { recursive: true });
    await writeFile(lockPath, SQLITE_MIGRATION_LOCK);
    console.log(`wrote ${rel(lockPath)}`);
    return;
  }
  if (!/^\s*provider\s*=\s*"sqlite"\s*$/m.test(current)) {
    throw new Error(
      `${rel(lockPath)} does not say provider = "sqlite"; this folder belongs to another provider`,
    );
  }
}

/** Replays every migration with the runtime runner on a scratch file: what `taskloom start` will do. */
function verifyWithRuntimeRunner(): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), "taskloom-migration-verify-"));
  try {
    const db = new Database(path.join(dir, "verify.db"));
    try {
      runSqliteMigrations(db, migrationsDir);
      return db
        .prepare<[], { name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations' ORDER BY name",
        )
        .all()
        .map((row) => row.name);
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function createMigration(rawName: string): Promise<void> {
  const name = migrationSlug(rawName);
  if (name === "") throw new Error(`"${rawName}" gives an empty migration name; use letters, digits and _`);
  await ensureMigrationLock();
  const schema = await readSqliteSchemaFiles();
  const created = await createSqliteMigration(migrationsDir, schema, name);
  if (created.script === null) {
    console.log(
      `no change: the migrations in ${rel(migrationsDir)} already produce the schema; nothing written`,
    );
    return;
  }
  const existing = readSqliteMigrations(migrationsDir).map((migration) => migration.name);
  const last = existing.at(-1);
  if (last !== undefined && created.name <= last) {
    // The runner applies folders in lexical order: a name that sorts before the last one would run too early.
    throw new Error(`generated name ${created.name} does not sort after ${last}; check the system clock`);
  }
  const dir = path.join(migrationsDir, created.name);
  await mkdir(dir);
  await writeFile(path.join(dir, "migration.sql"), created.script);
  console.log(`wrote ${rel(path.join(dir, "migration.sql"))}:\n`);
  console.log(created.script);
  const tables = verifyWithRuntimeRunner();
  console.log(
    `verified: all ${existing.length + 1} migrations apply with the runtime runner (${tables.length} tables)`,
  );
  console.log("review the SQL (data copies, defaults for new required columns) before committing it");
}

async function checkDrift(): Promise<boolean> {
  const schema = await readSqliteSchemaFiles();
  const count = readSqliteMigrations(migrationsDir).length;
  const diff = await diffMigrationsToSchema(migrationsDir, schema);
  if (diff === "") {
    console.log(`ok: the ${count} migrations in ${rel(migrationsDir)} produce the schema exactly`);
    return true;
  }
  console.error(
    `drift: the migrations in ${rel(migrationsDir)} do not produce prisma/sqlite/schema.prisma + models.prisma.`,
  );
  console.error("SQL still missing from the migrations:\n");
  console.error(diff);
  console.error("run `pnpm db:migration --name <what_changed>` to add a migration for it");
  return false;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      name: { type: "string" },
      check: { type: "boolean", default: false },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.check) return (await checkDrift()) ? 0 : 1;
  if (values.name === undefined) {
    console.error(USAGE);
    return 2;
  }
  await createMigration(values.name);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
