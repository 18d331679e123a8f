import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** Where the dashboard app lives in this checkout. */
export const WEB_APP_DIR = path.resolve(import.meta.dirname, "../../web");

export function webBuildExists(): boolean {
  return fs.existsSync(path.join(WEB_APP_DIR, ".next", "BUILD_ID"));
}

/**
 * Starts the dashboard's server entry (`apps/web/bin/taskloom-web.js`: Next behind the check that admits only
 * loopback peers without a token) as a child process. The web process reads the same database; the worker
 * stays in the launching process, and the event stream carries its commits across.
 */
export function startWebServer(input: {
  host: string;
  port: number;
  env: Record<string, string | undefined>;
}): ChildProcess {
  const entry = path.join(WEB_APP_DIR, "bin", "taskloom-web.js");
  return spawn(process.execPath, [entry, "--hostname", input.host, "--port", String(input.port)], {
    cwd: WEB_APP_DIR,
    env: { ...input.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Resolves when `url` answers 200, rejects when `child` exits first or after `timeoutMs`. */
export async function waitUntilServing(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the web server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`the web server did not answer at ${url} within ${timeoutMs / 1000}s`);
}
