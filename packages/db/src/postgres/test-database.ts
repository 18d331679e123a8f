/**
 * Test support for the PostgreSQL suites (and the dev-only migration tooling): the test server's URL, a
 * migrated template database, and a fresh database per test file copied from it (`CREATE DATABASE x TEMPLATE
 * taskloom_template_<hash>`, a file copy on the server: much faster than migrating each time).
 *
 * On a machine without PostgreSQL the suites are skipped and say so; under `CI=true` a missing PostgreSQL
 * fails the run instead, so CI can never pass by skipping them.
 */
import { createHash, randomBytes } from "node:crypto";
import net from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { readMigrationFiles } from "../migrations/migration-files.ts";
import { postgresMigrationsDir, runPostgresMigrations } from "../migrations/run-postgres-migrations.ts";
import { postgresSettingsFromUrl } from "./connection-config.ts";

/** The test server when `TASKLOOM_TEST_POSTGRES_URL` is unset: the local server with trust auth. */
export const DEFAULT_TEST_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

/** `TASKLOOM_TEST_POSTGRES_URL`, or `DEFAULT_TEST_POSTGRES_URL`. Its database is used only to create others. */
export function testPostgresUrl(): string {
  return process.env.TASKLOOM_TEST_POSTGRES_URL || DEFAULT_TEST_POSTGRES_URL;
}

/** `url` pointing at another database of the same server. */
export function urlForDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Serialises template creation and copies across test processes (a template cannot be copied while in use). */
const TEMPLATE_LOCK_KEY = 72707370;

async function withAdmin<T>(url: string, run: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ ...postgresSettingsFromUrl(url).config, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    return await run(admin);
  } finally {
    await admin.end();
  }
}

/** Null when the server answers, else why not (for the skip message). */
export async function postgresUnavailableReason(url = testPostgresUrl()): Promise<string | null> {
  try {
    await withAdmin(url, (admin) => admin.query("SELECT 1"));
    return null;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  }
}

/**
 * `describe` when the test server answers; otherwise `describe.skip` after printing why (or, under `CI=true`,
 * a thrown error: a missing PostgreSQL is a failure there). Use with top-level await in a test file:
 * `const describePostgres = await postgresDescribe();`.
 */
export async function postgresDescribe(): Promise<typeof describe | typeof describe.skip> {
  const url = testPostgresUrl();
  const reason = await postgresUnavailableReason(url);
  if (reason === null) return describe;
  const where = postgresSettingsFromUrl(url).location;
  if (process.env.CI === "true") {
    throw new Error(
      `CI=true and PostgreSQL is not reachable at ${where} (${reason}): the PostgreSQL suites must run`,
    );
  }
  console.warn(
    `PostgreSQL suites NOT RUN: ${where} is not reachable (${reason}). Start PostgreSQL or set TASKLOOM_TEST_POSTGRES_URL.`,
  );
  return describe.skip;
}

/** The template's name carries a hash of the migrations, so a changed migration gets a new template. */
function templateName(): string {
  const hash = createHash("sha256");
  for (const file of readMigrationFiles(postgresMigrationsDir()))
    hash.update(`${file.name}\0${file.checksum}\n`);
  return `taskloom_template_${hash.digest("hex").slice(0, 12)}`;
}

async function ensureTemplate(admin: pg.Client, url: string): Promise<string> {
  const name = templateName();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  if (exists.rowCount) return name;
  const stale = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'taskloom\\_template\\_%'",
  );
  for (const row of stale.rows) await admin.query(`DROP DATABASE ${quoteIdent(row.datname)} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  const pool = new pg.Pool({ ...postgresSettingsFromUrl(urlForDatabase(url, name)).config, max: 1 });
  try {
    await runPostgresMigrations(pool, postgresMigrationsDir());
  } catch (error) {
    await pool.end();
    await admin.query(`DROP DATABASE ${quoteIdent(name)} WITH (FORCE)`);
    throw error;
  }
  await pool.end();
  return name;
}

export interface TestDatabase {
  /** The new database's URL (same server and user as the test server's URL). */
  url: string;
  name: string;
  /** Drops the database (`WITH (FORCE)`: connections a failed test left open do not keep it alive). */
  drop(): Promise<void>;
  /** Terminates every backend connected to the database (a server restart, as its clients see it); how many. */
  terminateConnections(): Promise<number>;
}

function testDatabase(serverUrl: string, name: string): TestDatabase {
  return {
    url: urlForDatabase(serverUrl, name),
    name,
    terminateConnections: () =>
      withAdmin(serverUrl, async (admin) => {
        const { rowCount } = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
          [name],
        );
        return rowCount ?? 0;
      }),
    drop: () =>
      withAdmin(serverUrl, async (admin) => {
        // `pool.end()` resolves before its connections have closed; terminating one of them mid-close makes
        // pg emit an unhandled 57P01 error. Give them a moment to go on their own, then force what is left.
        for (let tries = 0; tries < 40; tries += 1) {
          const { rows } = await admin.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1",
            [name],
          );
          if ((rows[0]?.n ?? 0) === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      }),
  };
}

/**
 * A fresh, migrated database, copied from the template (created on first use, once per migrations state).
 * Call in `beforeAll`/`beforeEach` and `drop()` after.
 */
export async function createTestDatabase(serverUrl = testPostgresUrl()): Promise<TestDatabase> {
  const name = `taskloom_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await withAdmin(serverUrl, async (admin) => {
    await admin.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK_KEY]);
    try {
      const template = await ensureTemplate(admin, serverUrl);
      await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
    } finally {
      await admin.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK_KEY]);
    }
  });
  return testDatabase(serverUrl, name);
}

/**
 * A fresh database for the whole test file (created before its tests, dropped after them); returns its getter.
 * Call at the top of a `describePostgres` block.
 */
export function useTestDatabase(): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  return () => {
    if (!database) throw new Error("the test database exists only while the file's tests run");
    return database;
  };
}

/** An empty database (not migrated), for the migration runner's own tests. */
export async function createEmptyTestDatabase(serverUrl = testPostgresUrl()): Promise<TestDatabase> {
  const name = `taskloom_empty_${process.pid}_${randomBytes(4).toString("hex")}`;
  await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE ${quoteIdent(name)}`));
  return testDatabase(serverUrl, name);
}

/**
 * Empties every table of the schema and restarts its sequences, so a test starts like a new SQLite file
 * (ids from 1). The list is read from the catalog, so a table a later migration adds is emptied too.
 */
export async function truncateAllTables(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT quote_ident(tablename) AS name FROM pg_tables
      WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`,
  );
  if (rows.length > 0) await pool.query(`TRUNCATE ${rows.map((r) => r.name).join(", ")} RESTART IDENTITY`);
}

/** A TCP proxy in front of the test server whose link a test can cut (a network cut or a server restart). */
export interface CuttableLink {
  /** `url` with host and port replaced by the proxy's. */
  url: string;
  /** Drops every open connection and refuses new ones (the server "goes away"). */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function cuttableLink(url: string): Promise<CuttableLink> {
  const { host = "127.0.0.1", port = 5432 } = postgresSettingsFromUrl(url).config;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), String(host));
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (onPort: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(onPort, "127.0.0.1", () => {
        server.off("error", reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const proxyPort = await listen(0);
  const stop = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  const parsed = new URL(url);
  parsed.hostname = "127.0.0.1";
  parsed.port = String(proxyPort);
  return {
    url: parsed.toString(),
    cut: stop,
    restore: async () => {
      await listen(proxyPort);
    },
    close: async () => {
      if (server.listening) await stop();
    },
  };
}
