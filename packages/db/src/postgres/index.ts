// The PostgreSQL store, for tests only until its hot path lands: `openDatabase` refuses postgresql:// URLs until
// then. Test support (a fresh database per test file) is the separate "@taskloom/db/postgres-test-database".
export { DEFAULT_POOL_SIZE, postgresSettingsFromUrl, withoutPassword } from "./connection-config.ts";
export type { LeaseClock } from "./lease-clock.ts";
export {
  type OpenPostgresOptions,
  openPostgresDatabase,
  type PostgresTaskloomDatabase,
} from "./open-postgres-database.ts";
export { PostgresStore, type PostgresStoreOptions } from "./postgres-store.ts";
