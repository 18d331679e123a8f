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
