// Drives the wasm schema engine (dev-only), the same code as `pnpm --filter @taskloom/db migration:check`.
import { cp, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runSqliteMigrations, sqliteMigrationsDir } from "./index.ts";
import {
  applyMigrationsWithEngine,
  diagnoseMigrationHistory,
  diffMigrationsToSchema,
  PROVIDER_FOLDERS,
  readSchemaFiles,
} from "./schema-engine.ts";

const SQLITE = { provider: "sqlite" } as const;
const readSqliteSchemaFiles = () => readSchemaFiles(PROVIDER_FOLDERS.sqlite.prismaDir);

// Loading the 5 MB wasm module and replaying migrations on shadow databases takes a few seconds.
const ENGINE_TIMEOUT = 60_000;

let tempDir: string;
beforeEach(async () => {
  tempDir = await mkdtemp(path.join(tmpdir(), "taskloom-drift-test-"));
});
afterEach(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

describe("schema drift", () => {
  it(
    "the committed migrations produce exactly prisma/sqlite/schema.prisma + models.prisma",
    async () => {
      const schema = await readSqliteSchemaFiles();
      const diff = await diffMigrationsToSchema(SQLITE, sqliteMigrationsDir(), schema);
      // A failure here means models.prisma changed without a migration: run `pnpm db:migration --name <change>`.
      expect(diff).toBe("");
    },
    ENGINE_TIMEOUT,
  );

  it(
    "reports a schema change that has no migration",
    async () => {
      const schema = await readSqliteSchemaFiles();
      const changed = {
        files: schema.files.map((file) =>
          file.path.endsWith("models.prisma")
            ? { ...file, content: `${file.content}\nmodel DriftProbe {\n  id String @id\n}\n` }
            : file,
        ),
      };
      const diff = await diffMigrationsToSchema(SQLITE, sqliteMigrationsDir(), changed);
      expect(diff).toContain('CREATE TABLE "DriftProbe"');
    },
    ENGINE_TIMEOUT,
  );
});

describe("bookkeeping shared with Prisma", () => {
  it(
    "Prisma sees a database migrated by the runtime runner as up to date",
    async () => {
      const dbPath = path.join(tempDir, "runner.db");
      const db = new Database(dbPath);
      runSqliteMigrations(db, sqliteMigrationsDir());
      db.close();

      expect(
        await diagnoseMigrationHistory({ ...SQLITE, mainDatabasePath: dbPath }, sqliteMigrationsDir()),
      ).toEqual({
        editedMigrationNames: [],
        failedMigrationNames: [],
        hasMigrationsTable: true,
        history: null,
      });
      expect(
        await applyMigrationsWithEngine({ ...SQLITE, mainDatabasePath: dbPath }, sqliteMigrationsDir()),
      ).toEqual([]);
    },
    ENGINE_TIMEOUT,
  );

  it(
    "Prisma notices a migration edited after the runner applied it",
    async () => {
      const dir = path.join(tempDir, "migrations");
      await cp(sqliteMigrationsDir(), dir, { recursive: true });
      const dbPath = path.join(tempDir, "runner.db");
      const db = new Database(dbPath);
      runSqliteMigrations(db, dir);
      db.close();
      const [first] = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory());
      if (!first) throw new Error("no committed migration");
      await writeFile(path.join(dir, first.name, "migration.sql"), "-- edited\n", { flag: "a" });

      const diagnostic = await diagnoseMigrationHistory({ ...SQLITE, mainDatabasePath: dbPath }, dir);
      expect(diagnostic.editedMigrationNames).toEqual([first.name]);
    },
    ENGINE_TIMEOUT,
  );

  it(
    "the runner accepts a database migrated by Prisma and builds the same schema",
    async () => {
      const prismaPath = path.join(tempDir, "prisma.db");
      const applied = await applyMigrationsWithEngine(
        { ...SQLITE, mainDatabasePath: prismaPath },
        sqliteMigrationsDir(),
      );
      expect(applied.length).toBeGreaterThan(0);

      const byPrisma = new Database(prismaPath);
      expect(runSqliteMigrations(byPrisma, sqliteMigrationsDir())).toEqual({ applied: [] });

      const byRunner = new Database(path.join(tempDir, "runner.db"));
      runSqliteMigrations(byRunner, sqliteMigrationsDir());

      const schemaOf = (db: Database.Database) =>
        db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").all();
      expect(schemaOf(byRunner)).toEqual(schemaOf(byPrisma));
      byPrisma.close();
      byRunner.close();
    },
    ENGINE_TIMEOUT,
  );
});
