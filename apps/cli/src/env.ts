import fs from "node:fs";
import { authTokenSchema, llmEnvironmentShape, parseEnvironment, resolveAuthToken } from "@taskloom/core";
import { z } from "zod";

/**
 * The CLI's one validated view of the environment; nothing else in the app reads `process.env`.
 * Command-line flags override these.
 */
const schema = z.object({
  /** Database URL. Default `file:.taskloom/taskloom.db` (resolved by @taskloom/db). */
  TASKLOOM_DATABASE_URL: z.string().min(1).optional(),
  /** Default worker concurrency. Default 4. */
  TASKLOOM_WORKER_CONCURRENCY: z.coerce.number().int().positive().optional(),
  /** Lease length in ms: how soon a dead worker's tasks are taken back. Default 30000. */
  TASKLOOM_LEASE_MS: z.coerce.number().int().min(100).optional(),
  /** Lost leases in a row (dead workers) after which a task fails with reason `lost`. Default 3. */
  TASKLOOM_MAX_LOST_LEASES: z.coerce.number().int().positive().optional(),
  /**
   * How long the worker registry keeps a stopped or lost worker after it was last seen, in ms (at least the
   * lease). Default 86400000 (24 hours).
   */
  TASKLOOM_WORKER_RETENTION_MS: z.coerce.number().int().min(100).optional(),
  /** Log level of the engine's own logs on stderr (`silent` unless --verbose). */
  TASKLOOM_LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "silent"]).optional(),
  /** Where `taskloom start` binds the dashboard. Default 127.0.0.1. */
  TASKLOOM_HOST: z.string().min(1).optional(),
  /** Dashboard port. Default 3000. */
  TASKLOOM_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /**
   * Required to bind anything but loopback; every page and API call then needs it. At least 16 characters;
   * empty means unset. Prefer `TASKLOOM_AUTH_TOKEN_FILE`: a variable is readable by task processes through
   * `/proc/<pid>/environ` of the process that runs them.
   */
  TASKLOOM_AUTH_TOKEN: authTokenSchema,
  /** A file whose first line is the token (instead of `TASKLOOM_AUTH_TOKEN`; not both). */
  TASKLOOM_AUTH_TOKEN_FILE: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
  ...llmEnvironmentShape,
  NO_COLOR: z.string().optional(),
});

export type CliEnv = z.infer<typeof schema> & {
  /** The access token, from `TASKLOOM_AUTH_TOKEN` or read from `TASKLOOM_AUTH_TOKEN_FILE`; none when unset. */
  authToken?: string;
};

export function readEnv(source: NodeJS.ProcessEnv = process.env): CliEnv {
  const env = parseEnvironment(schema, source);
  const authToken = resolveAuthToken(
    { token: env.TASKLOOM_AUTH_TOKEN, file: env.TASKLOOM_AUTH_TOKEN_FILE },
    (file) => fs.readFileSync(file, "utf8"),
  );
  return { ...env, ...(authToken ? { authToken } : {}) };
}

/** Variables that configure Taskloom itself; task processes do not inherit them (they may hold secrets). */
const ENGINE_ONLY = /^TASKLOOM_/;

/** The environment shell steps start from: this process's, without Taskloom's own settings. */
export function taskEnvironment(source: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(source).filter(([name]) => !ENGINE_ONLY.test(name)));
}

/** The environment the dashboard process gets: this one, including Taskloom's settings (it is the engine too). */
export function webEnvironment(source: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  return { ...source };
}
