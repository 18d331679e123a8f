import pg from "pg";
import { PrismaContextStore } from "../context/prisma-context-store.ts";
import { PrismaDraftStore } from "../drafts/prisma-draft-store.ts";
import { postgresMigrationsDir, runPostgresMigrations } from "../migrations/run-postgres-migrations.ts";
import type { TaskloomDatabase } from "../open-database.ts";
import { createPostgresPrisma } from "../queries/prisma-postgres.ts";
import type { TaskloomPrisma } from "../queries/prisma-sqlite.ts";
import { createReadModel } from "../queries/read-model.ts";
import { PrismaScheduleStore } from "../schedules/prisma-schedule-store.ts";
import { postgresSettingsFromUrl } from "./connection-config.ts";
import {
  ConnectionMonitor,
  type ConnectionMonitorOptions,
  monitoredClientClass,
} from "./connection-monitor.ts";
import type { LeaseClock } from "./lease-clock.ts";
import { PostgresStore } from "./postgres-store.ts";
import { databaseIdentity, watchDatabase } from "./watch-database.ts";

/** The PostgreSQL database, with its concrete store: for tests that reach the pool. */
export interface PostgresTaskloomDatabase extends TaskloomDatabase {
  provider: "postgresql";
  store: PostgresStore;
}

export interface OpenPostgresOptions {
  /** `postgresql://user[:password]@host[:port]/database[?connection_limit=N&sslmode=...]`. */
  url: string;
  /** Pool size; overrides the URL's `connection_limit`. Default `DEFAULT_POOL_SIZE` (10). */
  poolSize?: number;
  /** Migrations to apply (tests). Default `prisma/postgres/migrations`. */
  migrationsDir?: string;
  /** How often `watchForLoss` checks that the database is still the one opened, in ms. Default 5000. */
  watchIntervalMs?: number;
  /** Which clock judges leases (see `lease-clock.ts`). Default `database`. */
  leaseClock?: LeaseClock;
  /** Reconnect backoff after a lost connection (tests shorten it). Default 100 ms doubling up to 10 s, jittered. */
  reconnect?: Pick<ConnectionMonitorOptions, "baseDelayMs" | "maxDelayMs" | "random">;
}

/**
 * Connects a pool, migrates (under Prisma's migration advisory lock, so hosts starting together take turns)
 * and returns the database; what `openDatabase` does for a postgresql:// URL. The store listens for other
 * processes' commits (LISTEN/NOTIFY) on one more connection of its own, beside the pool.
 */
export async function openPostgresDatabase(options: OpenPostgresOptions): Promise<PostgresTaskloomDatabase> {
  const settings = postgresSettingsFromUrl(options.url, { poolSize: options.poolSize });
  const connections = new ConnectionMonitor({
    location: settings.location,
    config: settings.config,
    ...options.reconnect,
  });
  const pool = new pg.Pool({
    ...settings.config,
    max: settings.poolSize,
    // Statements go out without waiting for the previous one's answer (in order; the server still runs them
    // one after another): a transaction's BEGIN, its independent statements and its COMMIT share round trips.
    pipeline: true,
    Client: monitoredClientClass(connections),
  });
  // An idle connection the server drops (restart, pg_terminate_backend) must not crash the process: the pool
  // discards it, and the monitor checks (with backoff) that the server is there before connecting again.
  pool.on("error", (error) => void connections.observe(error));
  let applied: string[];
  try {
    applied = (await runPostgresMigrations(pool, options.migrationsDir ?? postgresMigrationsDir())).applied;
  } catch (error) {
    connections.close();
    await pool.end();
    throw error;
  }
  const identity = await databaseIdentity(pool);
  const store = new PostgresStore(pool, {
    leaseClock: options.leaseClock,
    listen: settings.config,
    connections,
  });
  let prisma: TaskloomPrisma | null = null;
  const connect = () => {
    prisma ??= createPostgresPrisma(pool);
    return prisma;
  };
  return {
    provider: "postgresql",
    location: settings.location,
    store,
    queries: createReadModel({ prisma: connect, provider: "postgresql" }),
    context: new PrismaContextStore(connect),
    drafts: new PrismaDraftStore(connect),
    schedules: new PrismaScheduleStore(connect),
    appliedMigrations: applied,
    // A dropped (or dropped and re-created) database is a loss; a lost connection is the pool's business: the
    // operation that met it fails (and is retried by the worker), and the next one opens a new connection.
    watchForLoss: (onLost) =>
      watchDatabase(pool, identity, settings.config.database ?? settings.location, onLost, {
        ...(options.watchIntervalMs ? { intervalMs: options.watchIntervalMs } : {}),
      }),
    watchConnection: (events) => connections.subscribe(events),
    async close() {
      if (prisma) await prisma.$disconnect();
      await store.close();
    },
  };
}
