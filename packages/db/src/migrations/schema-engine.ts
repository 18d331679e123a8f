/**
 * Drives Prisma's WebAssembly schema engine (`@prisma/schema-engine-wasm`) over better-sqlite3 (SQLite) and
 * `pg` (PostgreSQL), so that migrations can be authored and checked without the native schema engine, which
 * cannot be downloaded here.
 *
 * DEV-ONLY: this module imports devDependencies and internal Prisma APIs. It is used by
 * `scripts/migration-dev.ts` and by the drift test; never import it from the runtime graph
 * (`src/index.ts`, `src/migrations/index.ts`).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
} from "@prisma/driver-adapter-utils";
import type {
  DiagnoseMigrationHistoryOutput,
  MigrationList,
  SchemaEngine,
  SchemaFilter,
  SchemasContainer,
} from "@prisma/schema-engine-wasm";
import pg from "pg";

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

type SchemaEngineClass = typeof SchemaEngine;

/**
 * The slice of the WebAssembly JS API used here. The repo's `lib` has no DOM and @types/node 20 does not
 * declare the `WebAssembly` global, so it is typed locally rather than widening the whole package's libs.
 */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };
type SchemaEngineGlue = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

// wasm-bindgen keeps its instance in module state of the glue file: instantiating the wasm twice against the
// same glue crashes (`unwrap_throw failed`). A test runner may evaluate this source module again in the same
// process while the glue (an external dependency) stays cached, so the instance lives on globalThis.
const ENGINE_CLASS_KEY = Symbol.for("taskloom.schemaEngineWasm");
type GlobalWithEngine = typeof globalThis & { [ENGINE_CLASS_KEY]?: Promise<SchemaEngineClass> };

/**
 * The package's own entry does `import * as wasm from "./schema_engine_bg.wasm"`, which Node 20 cannot load
 * without a flag; instantiate the module by hand against the JS glue instead, as Prisma's CLI does.
 */
function loadSchemaEngineClass(): Promise<SchemaEngineClass> {
  const holder = globalThis as GlobalWithEngine;
  const cached = holder[ENGINE_CLASS_KEY];
  if (cached) return cached;
  const loading = (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue: SchemaEngineGlue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
    const module = new WebAssembly.Module(bytes);
    const instance = new WebAssembly.Instance(module, {
      "./schema_engine_bg.js": glue as unknown as Record<string, unknown>,
    });
    glue.__wbg_set_wasm(instance.exports);
    const start = instance.exports.__wbindgen_start;
    if (typeof start === "function") start();
    return glue.SchemaEngine;
  })();
  holder[ENGINE_CLASS_KEY] = loading;
  return loading;
}

/**
 * The engine sends whole multi-statement scripts (e.g. a migration) through `executeRaw`, while better-sqlite3
 * prepares one statement at a time and refuses the rest. Argument-less `executeRaw` calls therefore go through
 * `executeScript` (`db.exec`), and `changes()` is read back so that single statements keep their row count.
 */
function routeScriptsToExec(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const changesQuery: SqlQuery = { sql: "SELECT changes()", args: [], argTypes: [] };
  const wrapped: SqlDriverAdapter = {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: async (query) => {
      if (query.args.length > 0) return adapter.executeRaw(query);
      await adapter.executeScript(query.sql);
      const result = await adapter.queryRaw(changesQuery);
      return Number(result.rows[0]?.[0] ?? 0);
    },
    executeScript: (script) => adapter.executeScript(script),
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    dispose: () => adapter.dispose(),
  };
  if (adapter.getConnectionInfo) {
    const getConnectionInfo = adapter.getConnectionInfo.bind(adapter);
    wrapped.getConnectionInfo = () => getConnectionInfo();
  }
  return wrapped;
}

/**
 * The engine asks for a shadow database several times per command (devDiagnostic replays the history twice)
 * and expects an empty one each time, as the native engine creates a fresh temporary database. Each call
 * therefore opens a new SQLite file in the engine's temp dir.
 */
function scriptAwareFactory(
  mainDatabasePath: string,
  tempDir: string,
  opened: SqlDriverAdapter[],
): SqlMigrationAwareDriverAdapterFactory {
  const main = new PrismaBetterSqlite3({ url: `file:${mainDatabasePath}` });
  let shadowCount = 0;
  const track = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    opened.push(adapter);
    return routeScriptsToExec(adapter);
  };
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: async () => track(await main.connect()),
    connectToShadowDb: async () => {
      shadowCount += 1;
      const shadow = new PrismaBetterSqlite3({
        url: `file:${path.join(tempDir, `shadow-${shadowCount}.db`)}`,
      });
      return track(await shadow.connect());
    },
  };
}

/** Reads the schema files the engine must see: the provider folder's schema.prisma plus its models.prisma. */
export async function readSchemaFiles(prismaDir: string): Promise<SchemasContainer> {
  const names = (await readdir(prismaDir)).filter((name) => name.endsWith(".prisma")).sort();
  const files = await Promise.all(
    names.map(async (name) => {
      const filePath = path.join(prismaDir, name);
      return { path: filePath, content: await readFile(filePath, "utf8") };
    }),
  );
  return { files };
}

/** Loads `<dir>/<ts>_<name>/migration.sql` folders in lexical order, the way Prisma's CLI hands them over. */
export async function readMigrationList(migrationsDir: string): Promise<MigrationList> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: unknown) => {
    if (isNodeError(error) && error.code === "ENOENT") return [];
    throw error;
  });
  const dirs = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const migrationDirectories = await Promise.all(
    dirs.map(async (dir) => {
      const content = await readFile(path.join(migrationsDir, dir, "migration.sql"), "utf8").then(
        (value) => ({ tag: "ok" as const, value }),
        (error: unknown) => ({ tag: "error" as const, value: String(error) }),
      );
      return { path: dir, migrationFile: { path: "migration.sql", content } };
    }),
  );
  const lockContent = await readFile(path.join(migrationsDir, "migration_lock.toml"), "utf8").catch(
    () => null,
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: "migration_lock.toml", content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && "code" in error;
}

/** Engine errors are plain objects or `Error`s carrying a Prisma error code; make them one readable Error. */
function engineError(method: string, error: unknown): Error {
  if (error instanceof Error) {
    const code = "code" in error && typeof error.code === "string" ? ` (${error.code})` : "";
    return new Error(`schema engine ${method} failed${code}: ${error.message}`, { cause: error });
  }
  return new Error(`schema engine ${method} failed: ${JSON.stringify(error)}`, { cause: error });
}

/** The two provider folders under `<repo>/prisma/`. */
export type MigrationProvider = "sqlite" | "postgresql";

export interface ProviderFolder {
  provider: MigrationProvider;
  /** `prisma/<folder>`: schema.prisma, models.prisma and migrations/. */
  prismaDir: string;
  migrationsDir: string;
  /** What `prisma migrate dev` writes in migration_lock.toml; the engine checks its provider against the schema's. */
  lock: string;
}

const prismaRoot = fileURLToPath(new URL("../../../../prisma/", import.meta.url));
const migrationLock = (provider: MigrationProvider): string => `# Please do not edit this file manually
# It should be added in your version-control system (e.g., Git)
provider = "${provider}"
`;
const providerFolder = (provider: MigrationProvider, folder: string): ProviderFolder => ({
  provider,
  prismaDir: path.join(prismaRoot, folder),
  migrationsDir: path.join(prismaRoot, folder, "migrations"),
  lock: migrationLock(provider),
});

export const PROVIDER_FOLDERS: Record<MigrationProvider, ProviderFolder> = {
  sqlite: providerFolder("sqlite", "sqlite"),
  postgresql: providerFolder("postgresql", "postgres"),
};

/**
 * Where the engine works.
 * - SQLite: a throwaway main file (or `mainDatabasePath`), and a new shadow file per request, in a temp dir.
 * - PostgreSQL: the server of `serverUrl` (its database is only used to create and drop others); a throwaway
 *   main database (or `mainDatabase`), and a new shadow database per request, each dropped `WITH (FORCE)`
 *   when the engine is closed.
 */
export type EngineTarget =
  | { provider: "sqlite"; mainDatabasePath?: string }
  | { provider: "postgresql"; serverUrl: string; mainDatabase?: string };

/**
 * PostgreSQL catalog queries of the engine return the internal types `"char"` (oid 18) and `name` (oid 19),
 * which adapter-pg refuses to deserialize (UnsupportedNativeDataType): report them as `text` (oid 25). Both
 * arrive as plain strings in the text protocol, so only the declared type changes.
 */
const CATALOG_TEXT_OIDS = new Set([18, 19]);
const TEXT_OID = 25;
function reportCatalogTypesAsText<T>(result: T): T {
  const fields = (result as { fields?: { dataTypeID: number }[] } | null)?.fields;
  for (const field of fields ?? []) {
    if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
  }
  return result;
}
class CatalogAsTextClient extends pg.Client {
  override query(...args: unknown[]): never {
    // pg-pool calls `client.query(text, values, callback)`; the adapter's transactions use the promise form.
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (error: unknown, result: unknown) =>
        last(error, error ? result : reportCatalogTypesAsText(result));
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise) return result.then(reportCatalogTypesAsText) as never;
    return result as never;
  }
}

/**
 * adapter-pg's `executeScript` splits a script at every `;`, which cuts a function body (`$$ ... ; ... $$`) in
 * pieces. A migration is sent whole instead: the simple query protocol runs several statements in one
 * message, with PostgreSQL's own parser finding their ends.
 */
function sendScriptsWhole(adapter: SqlDriverAdapter, pool: pg.Pool): SqlDriverAdapter {
  const wrapped: SqlDriverAdapter = {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    executeScript: async (script) => {
      await pool.query(script);
    },
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    // The adapter does not end a pool it was given.
    dispose: async () => {
      await adapter.dispose();
      await pool.end();
    },
  };
  if (adapter.getConnectionInfo) {
    const getConnectionInfo = adapter.getConnectionInfo.bind(adapter);
    wrapped.getConnectionInfo = () => getConnectionInfo();
  }
  return wrapped;
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * adapter-pg's own `connectToShadowDb` copies its config changing only `database` (a `connectionString` would
 * keep pointing at the real database) and drops the shadow database before closing the pool that uses it.
 * So the databases are created and dropped here, from a separate admin connection, and every pool gets
 * host/port/user/database as separate fields.
 */
async function postgresFactory(
  target: { serverUrl: string; mainDatabase?: string },
  opened: SqlDriverAdapter[],
  cleanups: (() => Promise<void>)[],
): Promise<SqlMigrationAwareDriverAdapterFactory> {
  const { postgresSettingsFromUrl } = await import("../postgres/connection-config.ts");
  const { config } = postgresSettingsFromUrl(target.serverUrl);
  const admin = new pg.Client(config);
  await admin.connect();
  const created: string[] = [];
  cleanups.push(async () => {
    for (const name of created.reverse())
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    await admin.end();
  });
  const createDatabase = async (role: string): Promise<string> => {
    const name = `taskloom_${role}_${randomBytes(6).toString("hex")}`;
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    created.push(name);
    return name;
  };
  const connectTo = async (database: string): Promise<SqlDriverAdapter> => {
    const pool = new pg.Pool({ ...config, database, max: 2, Client: CatalogAsTextClient });
    // Dropping the database WITH (FORCE) at cleanup ends its idle connections: not an error here.
    pool.on("error", () => {});
    const adapter = sendScriptsWhole(await new PrismaPg(pool).connect(), pool);
    opened.push(adapter);
    return adapter;
  };
  const mainDatabase = target.mainDatabase ?? (await createDatabase("schema_engine"));
  const probe = new PrismaPg({ ...config, database: mainDatabase });
  return {
    provider: probe.provider,
    adapterName: probe.adapterName,
    connect: () => connectTo(mainDatabase),
    connectToShadowDb: async () => connectTo(await createDatabase("shadow")),
  };
}

export interface OpenSchemaEngine {
  engine: SchemaEngine;
  /** Frees the engine, closes its connections and deletes the throwaway databases (files or databases). */
  close(): Promise<void>;
}

/**
 * Starts the wasm engine on a throwaway main database and throwaway shadow databases: migration authoring
 * and drift checks never touch a real database (unless the target names one, for the bookkeeping tests).
 */
export async function openSchemaEngine(
  target: EngineTarget,
  options: { schema?: SchemasContainer } = {},
): Promise<OpenSchemaEngine> {
  const EngineClass = await loadSchemaEngineClass();
  // Freeing the engine does not dispose its connections (and on SQLite it holds the main database with
  // `PRAGMA locking_mode=EXCLUSIVE`): close them ourselves so the database is usable afterwards.
  const opened: SqlDriverAdapter[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const disposeAll = async (): Promise<void> => {
    await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  let factory: SqlMigrationAwareDriverAdapterFactory;
  try {
    if (target.provider === "sqlite") {
      const tempDir = await mkdtemp(path.join(tmpdir(), "taskloom-schema-engine-"));
      cleanups.push(() => rm(tempDir, { recursive: true, force: true }));
      const mainPath = target.mainDatabasePath ?? path.join(tempDir, "main.db");
      factory = scriptAwareFactory(mainPath, tempDir, opened);
    } else {
      factory = await postgresFactory(target, opened, cleanups);
    }
  } catch (error) {
    await disposeAll();
    throw error;
  }
  const log = (line: string): void => {
    if (process.env.TASKLOOM_DEBUG_SCHEMA_ENGINE) process.stderr.write(`[schema-engine] ${line}\n`);
  };
  // `datamodels` must be undefined or non-empty (the engine rejects an empty list).
  const datamodels = options.schema?.files.map((file): [string, string] => [file.path, file.content]);
  let engine: SchemaEngine;
  try {
    engine = await EngineClass.new({ datamodels }, log, bindMigrationAwareSqlAdapterFactory(factory));
  } catch (error) {
    await disposeAll();
    throw engineError("start", error);
  }
  return {
    engine,
    close: async () => {
      engine.free();
      await disposeAll();
    },
  };
}

async function withEngine<T>(
  target: EngineTarget,
  options: { schema?: SchemasContainer },
  method: string,
  run: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const handle = await openSchemaEngine(target, options);
  try {
    return await run(handle.engine);
  } catch (error) {
    throw engineError(method, error);
  } finally {
    await handle.close();
  }
}

/**
 * SQL that takes a database built by the committed migrations to the schema: "" when they agree.
 * The engine replays the migrations on a shadow database to know where they lead.
 */
export async function diffMigrationsToSchema(
  target: EngineTarget,
  migrationsDir: string,
  schema: SchemasContainer,
): Promise<string> {
  const migrations = await readMigrationList(migrationsDir);
  return withEngine(target, { schema }, "diff", async (engine) => {
    // Keep the call on the instance: detaching the method loses the wasm pointer binding.
    const result = await engine.diff({
      from: { tag: "migrations", ...migrations },
      to: { tag: "schemaDatamodel", ...schema },
      script: true,
      exitCode: true,
      filters: NO_FILTER,
    });
    // exitCode 2 means "not empty"; the script of an empty diff is a comment only.
    return result.exitCode === 2 ? (result.stdout ?? "") : "";
  });
}

export interface CreatedMigration {
  /** `<YYYYMMDDHHMMSS>_<name>` as generated by the engine. */
  name: string;
  /** The migration script, or null when the schema and the migrations already agree. */
  script: string | null;
}

/** The engine's `createMigration` (the heart of `prisma migrate dev --create-only`): nothing is written. */
export async function createMigration(
  target: EngineTarget,
  migrationsDir: string,
  schema: SchemasContainer,
  migrationName: string,
): Promise<CreatedMigration> {
  const migrationsList = await readMigrationList(migrationsDir);
  return withEngine(target, { schema }, "createMigration", async (engine) => {
    // The same sequence as `prisma migrate dev`: bring the (throwaway) dev database up to the committed
    // migrations, let devDiagnostic replay them on a shadow database (on SQLite createMigration reads that
    // result from the engine's cache: it gets no shadow database of its own), then diff to the schema.
    await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    const diagnostic = await engine.devDiagnostic({ migrationsList, filters: NO_FILTER });
    if (diagnostic.action.tag === "reset") {
      throw new Error(`the committed migrations need a reset: ${diagnostic.action.reason}`);
    }
    const output = await engine.createMigration({
      draft: false,
      migrationName,
      migrationsList,
      schema,
      filters: NO_FILTER,
    });
    return { name: output.generatedMigrationName, script: output.migrationScript };
  });
}

/**
 * `prisma migrate deploy` through the wasm engine, on a real database (a SQLite file, or a PostgreSQL
 * database named in the target). Used to check that the runtime runners and Prisma's own bookkeeping agree.
 */
export async function applyMigrationsWithEngine(
  target: EngineTarget,
  migrationsDir: string,
): Promise<string[]> {
  const migrationsList = await readMigrationList(migrationsDir);
  return withEngine(target, {}, "applyMigrations", async (engine) => {
    const output = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    return output.appliedMigrationNames;
  });
}

/** Prisma's view (`prisma migrate status`) of a database's migration history against a migrations folder. */
export async function diagnoseMigrationHistory(
  target: EngineTarget,
  migrationsDir: string,
): Promise<DiagnoseMigrationHistoryOutput> {
  const migrationsList = await readMigrationList(migrationsDir);
  return withEngine(target, {}, "diagnoseMigrationHistory", (engine) =>
    engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTER }),
  );
}
