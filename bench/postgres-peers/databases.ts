import pg from "pg";

/**
 * The PostgreSQL server of the bench and of every peer: `TASKLOOM_BENCH_POSTGRES_URL`, or the local server with
 * trust auth. Its database is used only to create and drop the bench's own databases.
 */
export const BENCH_SERVER_URL =
  process.env.TASKLOOM_BENCH_POSTGRES_URL || "postgresql://postgres@127.0.0.1:5432/postgres";

/** BullMQ's Redis: `TASKLOOM_BENCH_REDIS_URL`, or the local one. */
export const BENCH_REDIS_URL = process.env.TASKLOOM_BENCH_REDIS_URL || "redis://127.0.0.1:6379";

export function databaseUrl(database: string): string {
  const url = new URL(BENCH_SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: BENCH_SERVER_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Drops `name` (ending its connections) and creates it again, empty or as a copy of `template`. */
export async function freshDatabase(name: string, template?: string): Promise<string> {
  await admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quote(name)}${template ? ` TEMPLATE ${quote(template)}` : ""}`);
  });
  return databaseUrl(name);
}

export async function dropDatabases(names: string[]): Promise<void> {
  await admin(async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`);
  });
}

/** The server's version line, for the report. */
export async function serverVersion(): Promise<string> {
  return admin(async (client) => {
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return rows[0]?.v ?? "unknown";
  });
}
