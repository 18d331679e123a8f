import {
  BadInputError,
  type ContextStore,
  type DatabaseUnavailableError,
  type DraftStore,
  type ReadModel,
  type ScheduleStore,
  type TaskloomError,
  type TaskloomStore,
} from "@taskloom/core";
import { PrismaContextStore } from "./context/prisma-context-store.ts";
import { PrismaDraftStore } from "./drafts/prisma-draft-store.ts";
import { runSqliteMigrations, sqliteMigrationsDir } from "./migrations/index.ts";
import { createSqlitePrisma, type TaskloomPrisma } from "./queries/prisma-sqlite.ts";
import { createReadModel } from "./queries/read-model.ts";
import { PrismaScheduleStore } from "./schedules/prisma-schedule-store.ts";
import { openSqliteDatabase, sqlitePathFromUrl } from "./sqlite/open-sqlite-database.ts";
import { SqliteStore } from "./sqlite/sqlite-store.ts";
import { watchDatabaseFile } from "./sqlite/watch-database-file.ts";

/** Where the embedded database lives when nothing else is said: under the current directory. */
export const DEFAULT_DATABASE_URL = "file:.taskloom/taskloom.db";

/** Which store a URL selects. */
export type DatabaseProvider = "sqlite" | "postgresql";

/** An open, migrated database as the engine sees it: provider-neutral ports only. */
export interface TaskloomDatabase {
  provider: DatabaseProvider;
  /** The resolved location, for messages (`/abs/path/taskloom.db`, or the URL without its password). */
  location: string;
  store: TaskloomStore;
  /** The read side (lists and details for the CLI and the dashboard). */
  queries: ReadModel;
  /** Documents, notes, context overrides, approvals and snapshots (through the Prisma client). */
  context: ContextStore;
  /** Which plans are drafts proposed from a goal (through the Prisma client). */
  drafts: DraftStore;
  /** Schedules (off the hot path: through the portable query layer). */
  schedules: ScheduleStore;
  /** Migrations applied while opening (empty when the database was current). */
  appliedMigrations: string[];
  /**
   * Calls `onLost` once when the database can no longer be trusted to keep what is written (the SQLite file
   * was deleted or replaced). Returns a function that stops watching.
   */
  watchForLoss(onLost: (error: TaskloomError) => void): () => void;
  /**
   * Hears the database become unreachable (`lost`, once per outage: a server restart, a network cut) and
   * reachable again (`restored`); the store reconnects by itself meanwhile, and its operations fail with
   * `DatabaseUnavailableError`. Never called for SQLite, which has no connection to lose. Returns an unsubscribe.
   */
  watchConnection(events: {
    lost(error: DatabaseUnavailableError): void;
    restored(downMs: number): void;
  }): () => void;
  close(): Promise<void>;
}

/** The SQLite database, with its concrete store: for tests and benchmarks that reach the raw connection. */
export interface SqliteTaskloomDatabase extends TaskloomDatabase {
  provider: "sqlite";
  store: SqliteStore;
}

export interface OpenDatabaseOptions {
  /**
   * `file:path.db` (relative to `cwd`), `sqlite:path.db` or a bare path: the embedded SQLite store;
   * `postgresql://user@host:port/database` (or `postgres://`): the PostgreSQL store. Default `DEFAULT_DATABASE_URL`.
   */
  url?: string;
  /** Directory a relative path resolves against. */
  cwd: string;
}

/** The provider a database URL selects, or a `BadInputError` naming what is accepted. */
export function providerOfUrl(url: string): DatabaseProvider {
  if (/^postgres(ql)?:\/\//i.test(url)) return "postgresql";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^(file|sqlite):/i.test(url)) {
    throw new BadInputError(
      `unsupported database URL: ${url} (expected file:PATH or postgresql://USER@HOST:PORT/DATABASE)`,
    );
  }
  return "sqlite";
}

/**
 * Opens a Taskloom database and brings its schema up to date, choosing the store from the URL. Async because
 * a network database connects and migrates asynchronously; the embedded SQLite store happens to be ready at
 * once.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<TaskloomDatabase> {
  const url = options.url ?? DEFAULT_DATABASE_URL;
  if (providerOfUrl(url) === "postgresql") {
    // Loaded only for a PostgreSQL URL, so that `pg` and its Prisma adapter stay out of the embedded
    // (SQLite) runtime: the CLI's start-up and the web app's server bundle do not pay for them.
    const { openPostgresDatabase } = await import("./postgres/open-postgres-database.ts");
    return openPostgresDatabase({ url });
  }
  return openSqliteTaskloomDatabase(options);
}

/**
 * Opens the embedded SQLite database synchronously: a new file is created and migrated, an old one gets its
 * pending migrations.
 */
export function openSqliteTaskloomDatabase(options: OpenDatabaseOptions): SqliteTaskloomDatabase {
  const url = options.url ?? DEFAULT_DATABASE_URL;
  if (providerOfUrl(url) !== "sqlite") throw new BadInputError(`not a SQLite URL: ${url}`);
  const location = sqlitePathFromUrl(url, options.cwd);
  const db = openSqliteDatabase(location);
  let applied: string[];
  try {
    applied = runSqliteMigrations(db, sqliteMigrationsDir()).applied;
  } catch (error) {
    db.close();
    throw error;
  }
  const store = new SqliteStore(db);
  let prisma: TaskloomPrisma | null = null;
  const connect = () => {
    prisma ??= createSqlitePrisma(location);
    return prisma;
  };
  return {
    provider: "sqlite",
    location,
    store,
    queries: createReadModel({ prisma: connect, provider: "sqlite" }),
    context: new PrismaContextStore(connect),
    drafts: new PrismaDraftStore(connect),
    schedules: new PrismaScheduleStore(connect),
    appliedMigrations: applied,
    watchForLoss: (onLost) => watchDatabaseFile(location, onLost),
    watchConnection: () => () => {},
    async close() {
      if (prisma) await prisma.$disconnect();
      store.close();
    },
  };
}
