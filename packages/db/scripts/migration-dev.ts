/**
 * Offline migration authoring for both provider folders, through Prisma's wasm schema engine (the native
 * engine `prisma migrate dev` needs cannot be downloaded here).
 *
 *   pnpm db:migration --name add_queue_note   # writes prisma/{sqlite,postgres}/migrations/<ts>_add_queue_note/
 *   pnpm --filter @taskloom/db migration:check  # exit 1 when migrations and schema drift (either provider)
 *   ... --provider sqlite                       # only one provider (postgresql needs the server)
 *
 * Both compare what the committed migrations build (replayed on throwaway shadow databases: SQLite files, and
 * databases created and dropped on the PostgreSQL server of TASKLOOM_TEST_POSTGRES_URL, default
 * postgresql://postgres@127.0.0.1:5432/postgres) with each folder's schema.prisma + models.prisma. The
 * PostgreSQL models.prisma is derived from prisma/models.prisma (see src/migrations/postgres-models.ts): --name
 * rewrites it, --check fails when it is stale. Nothing here touches a real Taskloom database.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { readMigrationFiles } from "../src/migrations/migration-files.ts";
import { expectedPostgresModels, postgresModelsPath } from "../src/migrations/postgres-models.ts";
import { runPostgresMigrations } from "../src/migrations/run-postgres-migrations.ts";
import { runSqliteMigrations } from "../src/migrations/run-sqlite-migrations.ts";
import {
  createMigration,
  diffMigrationsToSchema,
  type EngineTarget,
  type MigrationProvider,
  PROVIDER_FOLDERS,
  type ProviderFolder,
  readSchemaFiles,
} from "../src/migrations/schema-engine.ts";
import { postgresSettingsFromUrl } from "../src/postgres/connection-config.ts";
import {
  createEmptyTestDatabase,
  postgresUnavailableReason,
  testPostgresUrl,
} from "../src/postgres/test-database.ts";

const repoRoot = path.resolve(PROVIDER_FOLDERS.sqlite.prismaDir, "../..");
const rel = (p: string): string => path.relative(repoRoot, p) || ".";

const USAGE = `usage:
  migration-dev.ts --name <name>   write prisma/<provider>/migrations/<timestamp>_<name>/migration.sql for both providers
  migration-dev.ts --check         fail (exit 1) when the committed migrations do not produce the schema
  --provider sqlite|postgresql     only this provider (default: both; postgresql needs TASKLOOM_TEST_POSTGRES_URL's server)`;

/** Prisma's CLI turns the name into a folder-safe slug the same way; the engine itself does not. */
function migrationSlug(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 200);
}

function engineTarget(provider: MigrationProvider): EngineTarget {
  return provider === "sqlite" ? { provider } : { provider, serverUrl: testPostgresUrl() };
}

/** A PostgreSQL server is needed for that provider: say so plainly rather than with a driver stack trace. */
async function requireServer(provider: MigrationProvider): Promise<void> {
  if (provider !== "postgresql") return;
  const reason = await postgresUnavailableReason();
  if (reason === null) return;
  throw new Error(
    `the PostgreSQL migrations need a server: ${postgresSettingsFromUrl(testPostgresUrl()).location} is not reachable (${reason}); start PostgreSQL, set TASKLOOM_TEST_POSTGRES_URL, or pass --provider sqlite`,
  );
}

/** migrate dev writes this file; the engine refuses a migrations folder without it (or for another provider). */
async function ensureMigrationLock(folder: ProviderFolder): Promise<void> {
  const lockPath = path.join(folder.migrationsDir, "migration_lock.toml");
  const current = await readFile(lockPath, "utf8").catch(() => null);
  if (current === null) {
    await mkdir(folder.migrationsDir, { recursive: true });
    await writeFile(lockPath, folder.lock);
    console.log(`wrote ${rel(lockPath)}`);
    return;
  }
  if (!new RegExp(`^\\s*provider\\s*=\\s*"${folder.provider}"\\s*$`, "m").test(current)) {
    throw new Error(
      `${rel(lockPath)} does not say provider = "${folder.provider}"; this folder belongs to another provider`,
    );
  }
}

/** Replays every migration with the runtime runner on a scratch database: what `taskloom start` will do. */
async function verifyWithRuntimeRunner(folder: ProviderFolder): Promise<string> {
  if (folder.provider === "sqlite") {
    const dir = mkdtempSync(path.join(tmpdir(), "taskloom-migration-verify-"));
    try {
      const db = new Database(path.join(dir, "verify.db"));
      try {
        return `${runSqliteMigrations(db, folder.migrationsDir).applied.length} migrations`;
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const scratch = await createEmptyTestDatabase();
  const pool = new pg.Pool({ ...postgresSettingsFromUrl(scratch.url).config, max: 1 });
  try {
    return `${(await runPostgresMigrations(pool, folder.migrationsDir)).applied.length} migrations`;
  } finally {
    await pool.end();
    await scratch.drop();
  }
}

/** Rewrites prisma/postgres/models.prisma from the shared models; true when it changed. */
async function refreshPostgresModels(): Promise<boolean> {
  const expected = await expectedPostgresModels();
  const current = await readFile(postgresModelsPath, "utf8").catch(() => null);
  if (current === expected) return false;
  await writeFile(postgresModelsPath, expected);
  console.log(`wrote ${rel(postgresModelsPath)} (derived from prisma/models.prisma)`);
  return true;
}

/**
 * Writes one provider's migration. `name` is the folder name to use when another provider already got one in
 * this invocation, so that one change has the same folder name in both providers.
 */
async function createProviderMigration(
  folder: ProviderFolder,
  slug: string,
  name: string | undefined,
): Promise<string | undefined> {
  await ensureMigrationLock(folder);
  const schema = await readSchemaFiles(folder.prismaDir);
  const created = await createMigration(engineTarget(folder.provider), folder.migrationsDir, schema, slug);
  if (created.script === null) {
    console.log(
      `no change: the migrations in ${rel(folder.migrationsDir)} already produce the schema; nothing written`,
    );
    return name;
  }
  const folderName = name ?? created.name;
  const last = readMigrationFiles(folder.migrationsDir).at(-1)?.name;
  if (last !== undefined && folderName <= last) {
    // The runners apply folders in lexical order: a name that sorts before the last one would run too early.
    throw new Error(`generated name ${folderName} does not sort after ${last}; check the system clock`);
  }
  const dir = path.join(folder.migrationsDir, folderName);
  await mkdir(dir);
  await writeFile(path.join(dir, "migration.sql"), created.script);
  console.log(`wrote ${rel(path.join(dir, "migration.sql"))}:\n`);
  console.log(created.script);
  console.log(`verified: all ${await verifyWithRuntimeRunner(folder)} apply with the runtime runner`);
  return folderName;
}

async function createMigrations(rawName: string, providers: MigrationProvider[]): Promise<void> {
  const slug = migrationSlug(rawName);
  if (slug === "") throw new Error(`"${rawName}" gives an empty migration name; use letters, digits and _`);
  for (const provider of providers) await requireServer(provider);
  if (providers.includes("postgresql")) await refreshPostgresModels();
  let name: string | undefined;
  for (const provider of providers)
    name = await createProviderMigration(PROVIDER_FOLDERS[provider], slug, name);
  console.log("review the SQL (data copies, defaults for new required columns) before committing it");
}

async function checkDrift(providers: MigrationProvider[]): Promise<boolean> {
  let ok = true;
  for (const provider of providers) {
    await requireServer(provider);
    const folder = PROVIDER_FOLDERS[provider];
    if (
      provider === "postgresql" &&
      (await readFile(postgresModelsPath, "utf8")) !== (await expectedPostgresModels())
    ) {
      console.error(
        `drift: ${rel(postgresModelsPath)} is stale: prisma/models.prisma changed since it was derived.`,
      );
      console.error("run `pnpm db:migration --name <what_changed>` to rewrite it and add the migrations");
      ok = false;
      continue;
    }
    const count = readMigrationFiles(folder.migrationsDir).length;
    const diff = await diffMigrationsToSchema(
      engineTarget(provider),
      folder.migrationsDir,
      await readSchemaFiles(folder.prismaDir),
    );
    if (diff === "") {
      console.log(`ok: the ${count} migrations in ${rel(folder.migrationsDir)} produce the schema exactly`);
      continue;
    }
    console.error(
      `drift: the migrations in ${rel(folder.migrationsDir)} do not produce ${rel(folder.prismaDir)}/schema.prisma + models.prisma.`,
    );
    console.error("SQL still missing from the migrations:\n");
    console.error(diff);
    console.error("run `pnpm db:migration --name <what_changed>` to add a migration for it");
    ok = false;
  }
  return ok;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      name: { type: "string" },
      check: { type: "boolean", default: false },
      provider: { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.provider !== undefined && values.provider !== "sqlite" && values.provider !== "postgresql") {
    console.error(`unknown provider ${values.provider}\n${USAGE}`);
    return 2;
  }
  const providers: MigrationProvider[] = values.provider ? [values.provider] : ["sqlite", "postgresql"];
  if (values.check) return (await checkDrift(providers)) ? 0 : 1;
  if (values.name === undefined) {
    console.error(USAGE);
    return 2;
  }
  await createMigrations(values.name, providers);
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
