import { defineConfig } from "@playwright/test";
import base from "./playwright.config.ts";

/**
 * `pnpm --filter @taskloom/e2e screenshots`: the main pages at 1280×800, written to `docs/screenshots/`, on
 * the same fresh server and database as the e2e suite (build the web app first).
 */
export default defineConfig({
  ...base,
  testDir: "./screenshots",
  timeout: 120_000,
  use: { ...base.use, viewport: { width: 1280, height: 800 } },
  projects: (base.projects ?? []).map((project) => ({
    ...project,
    use: { ...project.use, viewport: { width: 1280, height: 800 } },
  })),
});
