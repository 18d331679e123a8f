// Runtime migration API. The dev-only wasm schema engine (schema-engine.ts) is deliberately not re-exported:
// it must stay out of the runtime import graph.
export {
  MigrationError,
  type MigrationErrorKind,
  type MigrationFile,
  readMigrationFiles,
} from "./migration-files.ts";
export {
  type PostgresMigrationOptions,
  PRISMA_MIGRATION_LOCK_KEY,
  postgresMigrationsDir,
  runPostgresMigrations,
} from "./run-postgres-migrations.ts";
export { readSqliteMigrations, runSqliteMigrations, sqliteMigrationsDir } from "./run-sqlite-migrations.ts";
