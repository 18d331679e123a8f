import { BadInputError } from "@taskloom/core";
import { runSqliteMigrations, sqliteMigrationsDir } from "./migrations/index.ts";
import { createSqlitePrisma, type TaskloomPrisma } from "./queries/prisma-sqlite.ts";
import { RunQueries } from "./queries/run-queries.ts";
import { openSqliteDatabase, sqlitePathFromUrl } from "./sqlite/open-sqlite-database.ts";
import { SqliteStore } from "./sqlite/sqlite-store.ts";

/** Where the embedded database lives when nothing else is said: under the current directory. */
export const DEFAULT_DATABASE_URL = "file:.taskloom/taskloom.db";

export interface TaskloomDatabase {
  /** `sqlite` now; `postgresql` arrives with the PostgreSQL store. */
  provider: "sqlite";
  /** The resolved location, for messages (`/abs/path/taskloom.db`). */
  location: string;
  store: SqliteStore;
  queries: RunQueries;
  /** Migrations applied while opening (empty when the database was current). */
  appliedMigrations: string[];
  close(): Promise<void>;
}

/**
 * Opens a Taskloom database and brings its schema up to date: a new file is created and migrated, an old one
 * gets its pending migrations. `url` is `file:path.db` (relative to `cwd`) or a bare path.
 */
export function openTaskloomDatabase(options: { url?: string; cwd: string }): TaskloomDatabase {
  const url = options.url ?? DEFAULT_DATABASE_URL;
  if (/^postgres(ql)?:\/\//.test(url)) {
    throw new BadInputError(
      "PostgreSQL databases are not supported yet by this version of Taskloom; use a file: URL",
    );
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^(file|sqlite):/.test(url)) {
    throw new BadInputError(`unsupported database URL: ${url} (expected file:PATH)`);
  }
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
    queries: new RunQueries(connect),
    appliedMigrations: applied,
    async close() {
      if (prisma) await prisma.$disconnect();
      store.close();
    },
  };
}
