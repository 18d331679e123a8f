// The PostgreSQL store and its settings (`openDatabase` picks it for postgresql:// URLs). Test support (a fresh
// database per test file) is the separate "@taskloom/db/postgres-test-database".
export { DEFAULT_POOL_SIZE, postgresSettingsFromUrl, withoutPassword } from "./connection-config.ts";
export type { LeaseClock } from "./lease-clock.ts";
export {
  type OpenPostgresOptions,
  openPostgresDatabase,
  type PostgresTaskloomDatabase,
} from "./open-postgres-database.ts";
export { PostgresStore, type PostgresStoreOptions } from "./postgres-store.ts";
