import { defineConfig } from "prisma/config";

// Used only by the Prisma CLI (`prisma generate`). `env()` would throw when the variable
// is unset, which breaks `generate` in CI, so fall back to a throwaway path.
export default defineConfig({
  schema: "../../prisma/sqlite",
  migrations: { path: "../../prisma/sqlite/migrations" },
  datasource: { url: process.env.TASKLOOM_DATABASE_URL ?? "file:./.taskloom/generate.db" },
});
