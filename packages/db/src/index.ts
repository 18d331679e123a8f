export {
  type DatabaseProvider,
  DEFAULT_DATABASE_URL,
  type OpenDatabaseOptions,
  openDatabase,
  openSqliteTaskloomDatabase,
  providerOfUrl,
  type SqliteTaskloomDatabase,
  type TaskloomDatabase,
} from "./open-database.ts";
export { PrismaScheduleStore } from "./schedules/prisma-schedule-store.ts";
export { openSqliteDatabase, type SqliteDatabase, sqlitePathFromUrl } from "./sqlite/open-sqlite-database.ts";
export { defaultNewId, SqliteStore } from "./sqlite/sqlite-store.ts";
// `openDatabase` opens postgresql:// URLs through a dynamic import; the PostgreSQL store's own API (the concrete
// store, pool settings) lives behind the "@taskloom/db/postgres" entry, so that `pg` stays out of the runtime
// graph of the CLI and the web app until a PostgreSQL URL is used.
