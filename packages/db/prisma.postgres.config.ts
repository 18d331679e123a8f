import { defineConfig } from "prisma/config";

// The PostgreSQL provider folder, for `prisma generate --config prisma.postgres.config.ts` only (migrations
// are authored by scripts/migration-dev.ts and applied at runtime). `env()` would throw when the variable is
// unset, which breaks `generate` in CI, so fall back to a URL that is never connected to.
export default defineConfig({
  schema: "../../prisma/postgres",
  migrations: { path: "../../prisma/postgres/migrations" },
  datasource: {
    url: process.env.TASKLOOM_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
  },
});
