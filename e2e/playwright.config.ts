import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests of the BUILT dashboard (`apps/web/.next`), served the way a user starts it:
 * `taskloom start` (migrate, seed the demo plan, worker in-process, the dashboard's server entry) on a fresh temporary
 * database per test run. Build first: `pnpm turbo run e2e` does (the task depends on `@taskloom/web#build`).
 *
 * The config file is evaluated in the runner and again in every worker process: the port and the temporary
 * directory are chosen once and handed down through the environment, which the workers inherit.
 */
if (!process.env.TASKLOOM_E2E_DIR) {
  const created = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-e2e-"));
  process.env.TASKLOOM_E2E_DIR = created;
  // Removed when the runner exits, after the web server has stopped (TASKLOOM_E2E_KEEP=1 keeps it to look
  // at the database). Only the process that made it does this: workers inherit the variable, not the job.
  process.on("exit", () => {
    if (process.env.TASKLOOM_E2E_KEEP) console.log(`e2e: kept ${created}`);
    else fs.rmSync(created, { recursive: true, force: true });
  });
}
if (!process.env.TASKLOOM_E2E_PORT) {
  // A port the OS says is free right now (asked from a child so that the config stays synchronous).
  process.env.TASKLOOM_E2E_PORT = execFileSync(
    process.execPath,
    [
      "-e",
      "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
    ],
    { encoding: "utf8" },
  ).trim();
}

const dir = process.env.TASKLOOM_E2E_DIR;
const port = Number(process.env.TASKLOOM_E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;
const databaseUrl = `file:${path.join(dir, "e2e.db")}`;
process.env.TASKLOOM_E2E_DATABASE_URL = databaseUrl;
process.env.TASKLOOM_E2E_BASE_URL = baseURL;

/** Debian's chromium (`apt-get install chromium`); Playwright's own browser downloads are not reachable here. */
const executablePath = process.env.TASKLOOM_E2E_CHROMIUM ?? "/usr/bin/chromium";
if (!fs.existsSync(executablePath)) {
  throw new Error(
    `no browser at ${executablePath}: install Debian's chromium (apt-get update && apt-get install -y chromium), ` +
      "or point TASKLOOM_E2E_CHROMIUM at a Chromium or Chrome binary",
  );
}

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  fullyParallel: false,
  // One app and one database for the suite, on a 2-core machine: one browser at a time.
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI
    ? [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]]
    : [["list"]],
  use: {
    baseURL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
    viewport: { width: 1440, height: 900 },
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1440, height: 900 },
        launchOptions: {
          executablePath,
          args: [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
  webServer: {
    command: `node ../apps/cli/bin/taskloom.js start --port ${port}`,
    cwd: import.meta.dirname,
    url: `${baseURL}/api/health`,
    env: {
      TASKLOOM_DATABASE_URL: databaseUrl,
      TASKLOOM_HOST: "127.0.0.1",
      // The worker's lease: a cancelled or killed task is noticed quickly.
      TASKLOOM_LEASE_MS: "3000",
      NEXT_TELEMETRY_DISABLED: "1",
    },
    // Always a fresh server on the fresh database: never attach to something already listening.
    reuseExistingServer: false,
    timeout: 90_000,
    stdout: "pipe",
    stderr: "pipe",
    // SIGTERM lets `taskloom start` stop its worker (and the tasks' process groups) and the web server.
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
