import { BadInputError } from "@taskloom/core";
import type pg from "pg";
import { parseIntoClientConfig } from "pg-connection-string";

/**
 * Connections one Taskloom process keeps open to PostgreSQL when the URL does not say (`connection_limit`).
 * A worker needs one connection at a time for its claim/complete loop and one for heartbeats and logs; the
 * dashboard's reads run beside them. 10 leaves headroom without letting many hosts exhaust the server's
 * `max_connections` (100 by default): 8 processes × 10 already take 80.
 */
export const DEFAULT_POOL_SIZE = 10;

export interface PostgresConnectionSettings {
  /** Fields for `new pg.Pool(...)`: host, port, user, password, database and TLS, as separate fields. */
  config: pg.PoolConfig;
  /** Most connections of the pool (`max`). */
  poolSize: number;
  /** The URL without its password, for messages. */
  location: string;
}

/**
 * Reads a `postgresql://user:password@host:port/database?connection_limit=N&sslmode=...` URL (libpq's
 * syntax, parsed by `pg-connection-string`, so `?host=/socket/dir` and `sslmode` work as in `psql`).
 * `poolSize` overrides `connection_limit`; both default to `DEFAULT_POOL_SIZE`. Separate fields rather
 * than a `connectionString`: code that copies the config to reach another database (a shadow or per-test
 * database) changes only `database`, and a kept `connectionString` would silently win over it.
 */
export function postgresSettingsFromUrl(
  url: string,
  options: { poolSize?: number } = {},
): PostgresConnectionSettings {
  let parsed: URL;
  let config: pg.ClientConfig;
  try {
    parsed = new URL(url);
    config = parseIntoClientConfig(url);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BadInputError(`invalid PostgreSQL URL ${withoutPassword(url)}: ${reason}`);
  }
  const limit = parsed.searchParams.get("connection_limit");
  const poolSize = options.poolSize ?? (limit === null ? DEFAULT_POOL_SIZE : Number(limit));
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new BadInputError(
      `connection_limit must be a positive integer, got ${limit ?? String(options.poolSize)}`,
    );
  }
  const { connectionString: _dropped, ...fields } = config;
  // Named in pg_stat_activity, so an operator can tell Taskloom's connections apart (the URL may say otherwise).
  return { config: { application_name: "taskloom", ...fields }, poolSize, location: withoutPassword(url) };
}

/** The URL with its password (if any) replaced by `***`, for messages and `TaskloomDatabase.location`. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === "") return url;
    parsed.password = "***";
    return parsed.toString();
  } catch {
    // Not a URL at all: say nothing of what it contains after the scheme.
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}
