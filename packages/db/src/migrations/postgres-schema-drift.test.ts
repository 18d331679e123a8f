// The PostgreSQL half of the drift check (needs the test server), the same code as `migration:check`.
import { readFile } from "node:fs/promises";
import pg from "pg";
import { afterEach, beforeEach, expect, it } from "vitest";
import { postgresSettingsFromUrl } from "../postgres/connection-config.ts";
import {
  createEmptyTestDatabase,
  postgresDescribe,
  type TestDatabase,
  testPostgresUrl,
} from "../postgres/test-database.ts";
import { postgresMigrationsDir, runPostgresMigrations } from "./index.ts";
import { expectedPostgresModels, postgresModelsFrom, postgresModelsPath } from "./postgres-models.ts";
import {
  applyMigrationsWithEngine,
  diagnoseMigrationHistory,
  diffMigrationsToSchema,
  PROVIDER_FOLDERS,
  readSchemaFiles,
} from "./schema-engine.ts";

const describePostgres = await postgresDescribe();
const ENGINE_TIMEOUT = 60_000;
const SERVER = { provider: "postgresql", serverUrl: testPostgresUrl() } as const;

describePostgres("PostgreSQL schema drift", () => {
  it("prisma/postgres/models.prisma is derived from the shared models as they are now", async () => {
    expect(await readFile(postgresModelsPath, "utf8")).toBe(await expectedPostgresModels());
  });

  it("derives timestamptz(3) for every DateTime field and nothing else", () => {
    const shared = 'model A {\n  at DateTime @map("at")\n  maybe DateTime?\n  name String\n}\n';
    expect(postgresModelsFrom(shared)).toContain(
      'model A {\n  at DateTime @db.Timestamptz(3) @map("at")\n  maybe DateTime? @db.Timestamptz(3)\n  name String\n}\n',
    );
  });

  it(
    "the committed migrations produce exactly prisma/postgres/schema.prisma + models.prisma",
    async () => {
      const folder = PROVIDER_FOLDERS.postgresql;
      const diff = await diffMigrationsToSchema(
        SERVER,
        folder.migrationsDir,
        await readSchemaFiles(folder.prismaDir),
      );
      // A failure here means models.prisma changed without a migration: run `pnpm db:migration --name <change>`.
      expect(diff).toBe("");
    },
    ENGINE_TIMEOUT,
  );

  it(
    "reports a schema change that has no migration",
    async () => {
      const folder = PROVIDER_FOLDERS.postgresql;
      const schema = await readSchemaFiles(folder.prismaDir);
      const changed = {
        files: schema.files.map((file) =>
          file.path.endsWith("models.prisma")
            ? { ...file, content: `${file.content}\nmodel DriftProbe {\n  id String @id\n}\n` }
            : file,
        ),
      };
      expect(await diffMigrationsToSchema(SERVER, folder.migrationsDir, changed)).toContain(
        'CREATE TABLE "DriftProbe"',
      );
    },
    ENGINE_TIMEOUT,
  );
});

describePostgres("PostgreSQL bookkeeping shared with Prisma", () => {
  let byRunner: TestDatabase;
  let byPrisma: TestDatabase;
  beforeEach(async () => {
    byRunner = await createEmptyTestDatabase();
    byPrisma = await createEmptyTestDatabase();
  });
  afterEach(async () => {
    await byRunner.drop();
    await byPrisma.drop();
  });

  async function withPool<T>(url: string, run: (pool: pg.Pool) => Promise<T>): Promise<T> {
    const pool = new pg.Pool({ ...postgresSettingsFromUrl(url).config, max: 2 });
    try {
      return await run(pool);
    } finally {
      await pool.end();
    }
  }

  /** Tables, columns (with types and defaults) and indexes: what both tools must build alike. */
  const schemaOf = (pool: pg.Pool) =>
    pool
      .query(
        `SELECT table_name, column_name, data_type, datetime_precision, is_nullable, column_default
           FROM information_schema.columns WHERE table_schema = 'public'
          UNION ALL
         SELECT tablename, indexname, indexdef, NULL, NULL, NULL FROM pg_indexes WHERE schemaname = 'public'
          ORDER BY 1, 2`,
      )
      .then((result) => result.rows);

  it(
    "Prisma sees a database migrated by the runtime runner as up to date, and both build the same schema",
    async () => {
      await withPool(byRunner.url, (pool) => runPostgresMigrations(pool, postgresMigrationsDir()));
      const runnerTarget = { ...SERVER, mainDatabase: byRunner.name };
      expect(await diagnoseMigrationHistory(runnerTarget, postgresMigrationsDir())).toEqual({
        editedMigrationNames: [],
        failedMigrationNames: [],
        hasMigrationsTable: true,
        history: null,
      });
      expect(await applyMigrationsWithEngine(runnerTarget, postgresMigrationsDir())).toEqual([]);

      const applied = await applyMigrationsWithEngine(
        { ...SERVER, mainDatabase: byPrisma.name },
        postgresMigrationsDir(),
      );
      expect(applied.length).toBeGreaterThan(0);
      await withPool(byPrisma.url, async (pool) => {
        expect(await runPostgresMigrations(pool, postgresMigrationsDir())).toEqual({ applied: [] });
      });
      const prismaSchema = await withPool(byPrisma.url, schemaOf);
      expect(prismaSchema.length).toBeGreaterThan(50);
      expect(await withPool(byRunner.url, schemaOf)).toEqual(prismaSchema);
    },
    ENGINE_TIMEOUT,
  );
});
