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
export { openSqliteDatabase, type SqliteDatabase, sqlitePathFromUrl } from "./sqlite/open-sqlite-database.ts";
export { defaultNewId, SqliteStore } from "./sqlite/sqlite-store.ts";
// PostgreSQL lives behind the "@taskloom/db/postgres" entry until its hot path lands (openDatabase refuses
// postgresql:// URLs until then), so that `pg` stays out of the runtime graph of the CLI and the web app.
