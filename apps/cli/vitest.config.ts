import { defineConfig } from "vitest/config";

// CLI tests start real processes (and tsx compiles the sources on first start), so they get time.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
