import { defineConfig } from "vitest/config";

// CLI tests start real processes, so they get time. The bundle is built once before them.
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 60_000, globalSetup: ["./test/global-setup.ts"] },
});
