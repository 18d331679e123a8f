import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXPECTED_TABLES } from "./expected-tables.ts";
import { MigrationError, runSqliteMigrations, sqliteMigrationsDir } from "./index.ts";

let tempDir: string;
beforeEach(async () => {
  tempDir = await mkdtemp(path.join(tmpdir(), "taskloom-migrations-test-"));
});
afterEach(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

function open(name = "taskloom.db"): Database.Database {
  return new Database(path.join(tempDir, name));
}

function userTables(db: Database.Database): string[] {
  return db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations' ORDER BY name",
    )
    .all()
    .map((row) => row.name);
}

interface PrismaMigrationRow {
  id: string;
  checksum: string;
  finished_at: string | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: string | null;
  started_at: string;
  applied_steps_count: number;
}

function migrationRows(db: Database.Database): PrismaMigrationRow[] {
  return db
    .prepare<[], PrismaMigrationRow>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`)
    .all();
}

async function committedMigrationNames(): Promise<string[]> {
  const entries = await readdir(sqliteMigrationsDir(), { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

async function writeMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, "migration.sql"), sql);
}

/** Expects `run` to throw a MigrationError of `kind` that names `migration`. */
function expectMigrationError(
  run: () => unknown,
  kind: MigrationError["kind"],
  migration: string,
): MigrationError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(MigrationError);
  const error = caught as MigrationError;
  expect(error.code).toBe("DATABASE");
  expect(error.kind).toBe(kind);
  expect(error.migration).toBe(migration);
  expect(error.message).toContain(migration);
  return error;
}

describe("runSqliteMigrations on the committed migrations", () => {
  it("applies every migration to a new database", async () => {
    const db = open();
    const { applied } = runSqliteMigrations(db, sqliteMigrationsDir());
    expect(applied).toEqual(await committedMigrationNames());
    expect(applied.length).toBeGreaterThan(0);
    expect(userTables(db)).toEqual(EXPECTED_TABLES);
    db.close();
  });

  it("is idempotent when the database is opened again", () => {
    const first = open();
    runSqliteMigrations(first, sqliteMigrationsDir());
    const rowsBefore = migrationRows(first);
    first.close();

    const second = open();
    expect(runSqliteMigrations(second, sqliteMigrationsDir())).toEqual({ applied: [] });
    expect(migrationRows(second)).toEqual(rowsBefore);
    second.close();
  });

  it("records rows the way Prisma does", async () => {
    const db = open();
    runSqliteMigrations(db, sqliteMigrationsDir());

    const columns = db
      .prepare<[], { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>(
        `PRAGMA table_info("_prisma_migrations")`,
      )
      .all()
      .map(({ name, type, notnull, dflt_value, pk }) => ({ name, type, notnull, dflt_value, pk }));
    expect(columns).toEqual([
      { name: "id", type: "TEXT", notnull: 1, dflt_value: null, pk: 1 },
      { name: "checksum", type: "TEXT", notnull: 1, dflt_value: null, pk: 0 },
      { name: "finished_at", type: "DATETIME", notnull: 0, dflt_value: null, pk: 0 },
      { name: "migration_name", type: "TEXT", notnull: 1, dflt_value: null, pk: 0 },
      { name: "logs", type: "TEXT", notnull: 0, dflt_value: null, pk: 0 },
      { name: "rolled_back_at", type: "DATETIME", notnull: 0, dflt_value: null, pk: 0 },
      { name: "started_at", type: "DATETIME", notnull: 1, dflt_value: "current_timestamp", pk: 0 },
      { name: "applied_steps_count", type: "INTEGER UNSIGNED", notnull: 1, dflt_value: "0", pk: 0 },
    ]);

    const rows = migrationRows(db);
    expect(rows.map((row) => row.migration_name)).toEqual(await committedMigrationNames());
    for (const row of rows) {
      const bytes = await readFile(path.join(sqliteMigrationsDir(), row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
      expect(row.started_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    db.close();
  });

  it("restores the connection's foreign key setting", () => {
    const on = open("on.db");
    on.pragma("foreign_keys = ON");
    runSqliteMigrations(on, sqliteMigrationsDir());
    expect(on.pragma("foreign_keys", { simple: true })).toBe(1);
    on.close();

    const off = open("off.db");
    off.pragma("foreign_keys = OFF");
    runSqliteMigrations(off, sqliteMigrationsDir());
    expect(off.pragma("foreign_keys", { simple: true })).toBe(0);
    off.close();
  });
});

describe("runSqliteMigrations refuses a history that does not match", () => {
  it("refuses a migration whose file changed after it was applied", async () => {
    const dir = path.join(tempDir, "migrations");
    await cp(sqliteMigrationsDir(), dir, { recursive: true });
    const db = open();
    runSqliteMigrations(db, dir);

    const [first] = await committedMigrationNames();
    if (first === undefined) throw new Error("no committed migration");
    const file = path.join(dir, first, "migration.sql");
    await writeFile(file, `${await readFile(file, "utf8")}\n-- edited after the fact\n`);

    const error = expectMigrationError(() => runSqliteMigrations(db, dir), "CHECKSUM_MISMATCH", first);
    expect(error.message).toMatch(/modified/);
    db.close();
  });

  it("accepts a CRLF checkout of an applied migration", async () => {
    const dir = path.join(tempDir, "migrations");
    await writeMigration(
      dir,
      "20260101000000_one",
      'CREATE TABLE "a" ("id" INTEGER);\nCREATE TABLE "b" ("id" INTEGER);\n',
    );
    const db = open();
    runSqliteMigrations(db, dir);
    await writeMigration(
      dir,
      "20260101000000_one",
      'CREATE TABLE "a" ("id" INTEGER);\r\nCREATE TABLE "b" ("id" INTEGER);\r\n',
    );
    expect(runSqliteMigrations(db, dir)).toEqual({ applied: [] });
    db.close();
  });

  it("refuses a database that has a migration this build does not know", () => {
    const db = open();
    runSqliteMigrations(db, sqliteMigrationsDir());
    const future = "29990101000000_from_the_future";
    db.prepare(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ('x', 'y', '2999-01-01T00:00:00.000+00:00', ?, '2999-01-01T00:00:00.000+00:00', 1)`,
    ).run(future);

    const error = expectMigrationError(
      () => runSqliteMigrations(db, sqliteMigrationsDir()),
      "UNKNOWN_MIGRATION",
      future,
    );
    expect(error.message).toContain("database is newer than this Taskloom");
    db.close();
  });

  it("refuses a database where a migration failed earlier", async () => {
    const dir = path.join(tempDir, "migrations");
    await writeMigration(dir, "20260101000000_one", 'CREATE TABLE "a" ("id" INTEGER);\n');
    const db = open();
    db.exec(
      `CREATE TABLE "_prisma_migrations" ("id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`,
    );
    db.prepare(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs) VALUES ('x', 'y', '20260101000000_one', 'boom')`,
    ).run();

    expectMigrationError(() => runSqliteMigrations(db, dir), "FAILED_MIGRATION", "20260101000000_one");

    // Once marked rolled back (prisma migrate resolve --rolled-back), the row is history and the migration runs.
    db.prepare(`UPDATE "_prisma_migrations" SET rolled_back_at = '2026-01-01T00:00:00.000+00:00'`).run();
    expect(runSqliteMigrations(db, dir)).toEqual({ applied: ["20260101000000_one"] });
    db.close();
  });

  it("rolls a failing migration back whole and does not record it", async () => {
    const dir = path.join(tempDir, "migrations");
    await writeMigration(dir, "20260101000000_one", 'CREATE TABLE "a" ("id" INTEGER);\n');
    await writeMigration(
      dir,
      "20260102000000_two",
      'CREATE TABLE "b" ("id" INTEGER);\nINSERT INTO "nope" VALUES (1);\n',
    );
    const db = open();

    const error = expectMigrationError(
      () => runSqliteMigrations(db, dir),
      "APPLY_FAILED",
      "20260102000000_two",
    );
    expect(error.message).toContain("no such table: nope");
    expect(userTables(db)).toEqual(["a"]);
    expect(migrationRows(db).map((row) => row.migration_name)).toEqual(["20260101000000_one"]);
    expect(db.inTransaction).toBe(false);
    db.close();
  });
});

describe("runSqliteMigrations upgrades an old database", () => {
  // A Prisma-style SQLite table redefinition, the risky kind of migration: with foreign keys enforced, the
  // DROP TABLE would cascade-delete every task of every plan.
  const INIT = `CREATE TABLE "plans" ("id" TEXT NOT NULL PRIMARY KEY, "name" TEXT NOT NULL);
CREATE TABLE "tasks" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "plan_id" TEXT NOT NULL,
    CONSTRAINT "tasks_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
`;
  const REDEFINE = `-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_plans" ("id" TEXT NOT NULL PRIMARY KEY, "name" TEXT NOT NULL, "goal" TEXT NOT NULL DEFAULT '');
INSERT INTO "new_plans" ("id", "name") SELECT "id", "name" FROM "plans";
DROP TABLE "plans";
ALTER TABLE "new_plans" RENAME TO "plans";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
`;

  it("applies only the new migration and keeps the data", async () => {
    const oldDir = path.join(tempDir, "old");
    const newDir = path.join(tempDir, "new");
    await writeMigration(oldDir, "20260101000000_init", INIT);
    await writeMigration(newDir, "20260101000000_init", INIT);
    await writeMigration(newDir, "20260201000000_plan_goal", REDEFINE);

    const db = open();
    db.pragma("foreign_keys = ON");
    expect(runSqliteMigrations(db, oldDir)).toEqual({ applied: ["20260101000000_init"] });
    db.prepare(`INSERT INTO plans (id, name) VALUES ('p1', 'first'), ('p2', 'second')`).run();
    db.prepare(`INSERT INTO tasks (id, plan_id) VALUES ('t1', 'p1'), ('t2', 'p1'), ('t3', 'p2')`).run();
    const initRow = migrationRows(db)[0];
    db.close();

    const upgraded = open();
    upgraded.pragma("foreign_keys = ON");
    expect(runSqliteMigrations(upgraded, newDir)).toEqual({ applied: ["20260201000000_plan_goal"] });
    expect(upgraded.prepare("SELECT id, name, goal FROM plans ORDER BY id").all()).toEqual([
      { id: "p1", name: "first", goal: "" },
      { id: "p2", name: "second", goal: "" },
    ]);
    expect(upgraded.prepare("SELECT id, plan_id FROM tasks ORDER BY id").all()).toEqual([
      { id: "t1", plan_id: "p1" },
      { id: "t2", plan_id: "p1" },
      { id: "t3", plan_id: "p2" },
    ]);
    const rows = migrationRows(upgraded);
    expect(rows.map((row) => row.migration_name)).toEqual([
      "20260101000000_init",
      "20260201000000_plan_goal",
    ]);
    expect(rows[0]).toEqual(initRow);
    // The cascade still works after the redefinition.
    upgraded.prepare("DELETE FROM plans WHERE id = 'p1'").run();
    expect(upgraded.prepare("SELECT id FROM tasks").all()).toEqual([{ id: "t3" }]);
    upgraded.close();
  });

  it("refuses a migration that leaves foreign key violations", async () => {
    const dir = path.join(tempDir, "migrations");
    await writeMigration(dir, "20260101000000_init", INIT);
    await writeMigration(
      dir,
      "20260201000000_orphan",
      `INSERT INTO "tasks" ("id", "plan_id") VALUES ('t9', 'missing');\n`,
    );
    const db = open();
    expectMigrationError(() => runSqliteMigrations(db, dir), "APPLY_FAILED", "20260201000000_orphan");
    expect(db.prepare("SELECT count(*) AS n FROM tasks").get()).toEqual({ n: 0 });
    db.close();
  });
});

describe("runSqliteMigrations under concurrency", () => {
  const execFileAsync = promisify(execFile);
  const packageDir = fileURLToPath(new URL("../../", import.meta.url));
  const runnerUrl = pathToFileURL(fileURLToPath(new URL("./run-sqlite-migrations.ts", import.meta.url))).href;

  it("applies each migration once when two processes open the same new database", async () => {
    const dir = path.join(tempDir, "migrations");
    const names: string[] = [];
    for (let i = 1; i <= 8; i++) {
      const name = `2026010100000${i}_step_${i}`;
      names.push(name);
      // Each step is slow enough (a few thousand inserts) for the two processes to overlap.
      await writeMigration(
        dir,
        name,
        `CREATE TABLE "t${i}" ("id" INTEGER PRIMARY KEY, "v" TEXT);
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 20000) INSERT INTO "t${i}" ("v") SELECT hex(randomblob(16)) FROM n;
`,
      );
    }
    const dbPath = path.join(tempDir, "shared.db");
    const child = `
      import Database from "better-sqlite3";
      import { runSqliteMigrations } from ${JSON.stringify(runnerUrl)};
      const db = new Database(${JSON.stringify(dbPath)}, { timeout: 30000 });
      const result = runSqliteMigrations(db, ${JSON.stringify(dir)});
      db.close();
      process.stdout.write(JSON.stringify(result.applied));
    `;
    const run = () =>
      execFileAsync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", child], {
        cwd: packageDir,
      });
    const results = await Promise.all([run(), run()]);
    const appliedByEach = results.map((result) => JSON.parse(result.stdout) as string[]);
    expect(appliedByEach.flat().sort()).toEqual(names);

    const db = new Database(dbPath);
    expect(migrationRows(db).map((row) => row.migration_name)).toEqual(names);
    for (let i = 1; i <= 8; i++) {
      expect(db.prepare(`SELECT count(*) AS n FROM "t${i}"`).get()).toEqual({ n: 20000 });
    }
    db.close();
  }, 60_000);
});
