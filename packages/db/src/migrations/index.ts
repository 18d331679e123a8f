// Runtime migration API. The dev-only wasm schema engine (schema-engine.ts) is deliberately not re-exported:
// it must stay out of the runtime import graph.
export {
  MigrationError,
  type MigrationErrorKind,
  type MigrationFile,
  readSqliteMigrations,
  runSqliteMigrations,
  sqliteMigrationsDir,
} from "./run-sqlite-migrations.ts";
