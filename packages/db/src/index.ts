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
export { DEFAULT_POOL_SIZE, postgresSettingsFromUrl } from "./postgres/connection-config.ts";
// PostgreSQL: for tests only until the hot path lands (openDatabase refuses postgresql:// URLs until then).
export {
  type OpenPostgresOptions,
  openPostgresDatabase,
  type PostgresTaskloomDatabase,
} from "./postgres/open-postgres-database.ts";
export { NotImplementedOnPostgresError, PostgresStore } from "./postgres/postgres-store.ts";
export { openSqliteDatabase, type SqliteDatabase, sqlitePathFromUrl } from "./sqlite/open-sqlite-database.ts";
export { defaultNewId, SqliteStore } from "./sqlite/sqlite-store.ts";
