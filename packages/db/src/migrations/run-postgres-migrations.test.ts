import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, beforeEach, expect, it } from "vitest";
import { postgresSettingsFromUrl } from "../postgres/connection-config.ts";
import { createEmptyTestDatabase, postgresDescribe, type TestDatabase } from "../postgres/test-database.ts";
import { EXPECTED_TABLES } from "./expected-tables.ts";
import { MigrationError, postgresMigrationsDir, runPostgresMigrations } from "./index.ts";

const describePostgres = await postgresDescribe();

let database: TestDatabase;
let pools: pg.Pool[];
let tempDir: string;
beforeEach(async () => {
  database = await createEmptyTestDatabase();
  pools = [];
  tempDir = await mkdtemp(path.join(tmpdir(), "taskloom-pg-migrations-test-"));
});
afterEach(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await database?.drop();
  await rm(tempDir, { recursive: true, force: true });
});

function newPool(): pg.Pool {
  const pool = new pg.Pool({ ...postgresSettingsFromUrl(database.url).config, max: 2 });
  pools.push(pool);
  return pool;
}

async function userTables(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY table_name`,
  );
  return rows.map((row) => row.name);
}

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

async function migrationRows(pool: pg.Pool): Promise<MigrationRow[]> {
  const { rows } = await pool.query<MigrationRow>(
    `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`,
  );
  return rows;
}

async function committedMigrationNames(): Promise<string[]> {
  const entries = await readdir(postgresMigrationsDir(), { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

async function writeMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, "migration.sql"), sql);
}

async function expectMigrationError(
  run: Promise<unknown>,
  kind: MigrationError["kind"],
  migration: string,
): Promise<MigrationError> {
  const caught = await run.then(
    () => null,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(MigrationError);
  const error = caught as MigrationError;
  expect(error.code).toBe("DATABASE");
  expect(error.kind).toBe(kind);
  expect(error.migration).toBe(migration);
  expect(error.message).toContain(migration);
  return error;
}

describePostgres("runPostgresMigrations on the committed migrations", () => {
  it("applies every migration to a new database, recording rows the way Prisma does", async () => {
    const pool = newPool();
    const { applied } = await runPostgresMigrations(pool, postgresMigrationsDir());
    expect(applied).toEqual(await committedMigrationNames());
    expect(await userTables(pool)).toEqual(EXPECTED_TABLES);

    const rows = await migrationRows(pool);
    expect(rows.map((row) => row.migration_name)).toEqual(applied);
    for (const row of rows) {
      const bytes = await readFile(path.join(postgresMigrationsDir(), row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at?.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("is idempotent when the database is opened again", async () => {
    await runPostgresMigrations(newPool(), postgresMigrationsDir());
    const before = await migrationRows(newPool());
    expect(await runPostgresMigrations(newPool(), postgresMigrationsDir())).toEqual({ applied: [] });
    expect(await migrationRows(newPool())).toEqual(before);
  });

  it("applies each migration once when several processes start together", async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, () => runPostgresMigrations(newPool(), postgresMigrationsDir())),
    );
    const names = await committedMigrationNames();
    expect(results.flatMap((result) => result.applied).sort()).toEqual(names);
    expect((await migrationRows(newPool())).map((row) => row.migration_name)).toEqual(names);
  });

  it("gives up with DATABASE_BUSY when another process holds the migration lock too long", async () => {
    const holder = await newPool().connect();
    try {
      await holder.query("SELECT pg_advisory_lock(72707369)");
      const caught = await runPostgresMigrations(newPool(), postgresMigrationsDir(), {
        lockTimeoutMs: 200,
      }).catch((error: unknown) => error);
      expect(caught).toBeInstanceOf(MigrationError);
      expect((caught as MigrationError).kind).toBe("DATABASE_BUSY");
    } finally {
      holder.release();
    }
  });
});

describePostgres("runPostgresMigrations refuses a history that does not match", () => {
  it("refuses a migration whose file changed after it was applied", async () => {
    const dir = path.join(tempDir, "migrations");
    await cp(postgresMigrationsDir(), dir, { recursive: true });
    const pool = newPool();
    await runPostgresMigrations(pool, dir);
    const [first] = await committedMigrationNames();
    if (first === undefined) throw new Error("no committed migration");
    await writeFile(path.join(dir, first, "migration.sql"), "\n-- edited after the fact\n", { flag: "a" });
    const error = await expectMigrationError(runPostgresMigrations(pool, dir), "CHECKSUM_MISMATCH", first);
    expect(error.message).toMatch(/modified/);
  });

  it("refuses a database that has a migration this build does not know", async () => {
    const pool = newPool();
    await runPostgresMigrations(pool, postgresMigrationsDir());
    const future = "29990101000000_from_the_future";
    await pool.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ('x', 'y', now(), $1, 1)`,
      [future],
    );
    const error = await expectMigrationError(
      runPostgresMigrations(pool, postgresMigrationsDir()),
      "UNKNOWN_MIGRATION",
      future,
    );
    expect(error.message).toContain("database is newer than this Taskloom");
  });

  it("refuses a database where a migration failed earlier, until it is marked rolled back", async () => {
    const dir = path.join(tempDir, "migrations");
    await writeMigration(dir, "20260101000000_one", 'CREATE TABLE "a" ("id" INTEGER);\n');
    const pool = newPool();
    // An empty folder only creates the bookkeeping table.
    await runPostgresMigrations(pool, await emptyDir());
    await pool.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs) VALUES ('x', 'y', '20260101000000_one', 'boom')`,
    );
    await expectMigrationError(runPostgresMigrations(pool, dir), "FAILED_MIGRATION", "20260101000000_one");
    await pool.query(`UPDATE "_prisma_migrations" SET rolled_back_at = now()`);
    expect(await runPostgresMigrations(pool, dir)).toEqual({ applied: ["20260101000000_one"] });
  });

  it("rolls a failing migration back whole and does not record it", async () => {
    const dir = path.join(tempDir, "migrations");
    await writeMigration(dir, "20260101000000_one", 'CREATE TABLE "a" ("id" INTEGER);\n');
    await writeMigration(
      dir,
      "20260102000000_two",
      'CREATE TABLE "b" ("id" INTEGER);\nINSERT INTO "nope" VALUES (1);\n',
    );
    const pool = newPool();
    const error = await expectMigrationError(
      runPostgresMigrations(pool, dir),
      "APPLY_FAILED",
      "20260102000000_two",
    );
    expect(error.message).toContain('relation "nope" does not exist');
    expect(await userTables(pool)).toEqual(["a"]);
    expect((await migrationRows(pool)).map((row) => row.migration_name)).toEqual(["20260101000000_one"]);
  });

  it("refuses a script that commits on its own", async () => {
    const dir = path.join(tempDir, "migrations");
    await writeMigration(dir, "20260101000000_one", 'CREATE TABLE "a" ("id" INTEGER);\nCOMMIT;\n');
    const pool = newPool();
    const error = await expectMigrationError(
      runPostgresMigrations(pool, dir),
      "APPLY_FAILED",
      "20260101000000_one",
    );
    expect(error.message).toContain("must not contain BEGIN, COMMIT or ROLLBACK");
    expect(await migrationRows(pool)).toEqual([]);
  });
});

async function emptyDir(): Promise<string> {
  const dir = path.join(tempDir, "none");
  await mkdir(dir, { recursive: true });
  return dir;
}
