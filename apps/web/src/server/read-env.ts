import fs from "node:fs";
import path from "node:path";
import {
  authTokenSchema,
  type LlmEnvironment,
  llmEnvironmentShape,
  llmOptionsOf,
  parseEnvironment,
  resolveAuthToken,
} from "@taskloom/core";
import { z } from "zod";

/**
 * The web app's environment, parsed from a given source. Kept apart from `env.ts` (which is `server-only`
 * and caches) so that the server entry (`server.ts`, plain Node) reads the same rules before Next starts.
 */

/** An unset variable and an empty one mean the same: not configured. */
const blank = (value: unknown) => (value === "" ? undefined : value);

const schema = z.object({
  /** Directory a relative database URL resolves against. Default: the server's working directory. */
  TASKLOOM_HOME: z.preprocess(blank, z.string().optional()),
  /** `file:PATH` (relative to TASKLOOM_HOME) or `postgresql://…`. Default `file:.taskloom/taskloom.db`. */
  TASKLOOM_DATABASE_URL: z.preprocess(blank, z.string().default("file:.taskloom/taskloom.db")),
  /** Address to bind. Default 127.0.0.1; anything but loopback needs a token. */
  TASKLOOM_HOST: z.preprocess(blank, z.string().default("127.0.0.1")),
  /** Default 3000. */
  TASKLOOM_PORT: z.preprocess(blank, z.coerce.number().int().min(1).max(65_535).default(3000)),
  /** When set, every page and API call needs it (cookie `taskloom_token` or `Authorization: Bearer`). */
  TASKLOOM_AUTH_TOKEN: authTokenSchema,
  /** A file holding the token instead (its first line; mode 0600), so that no environment carries it. */
  TASKLOOM_AUTH_TOKEN_FILE: z.preprocess(blank, z.string().optional()),
  /**
   * `1` when a reverse proxy in front of the server sets `X-Forwarded-Proto` (the login cookie is then
   * `Secure` when the proxy says https). Default off: a client could set that header itself.
   */
  TASKLOOM_TRUST_PROXY: z.preprocess(blank, z.enum(["0", "1", "true", "false"]).default("0")),
  /** Set by the server entry for this process only: proves a request came through it. Never set it. */
  TASKLOOM_ENTRY_SECRET: z.preprocess(blank, z.string().optional()),
  ...llmEnvironmentShape,
});

export interface WebEnv {
  databaseUrl: string;
  /** Absolute directory the database URL resolves against. */
  home: string;
  host: string;
  port: number;
  authToken: string | undefined;
  trustProxy: boolean;
  /** Undefined when the app was not started through `server.ts` (then every request is refused). */
  entrySecret: string | undefined;
  /** The server LLM tasks' previews, summaries, embeddings and plan drafts use; empty: the dry-run provider. */
  llm: ReturnType<typeof llmOptionsOf>;
}

/** Parses `source` (the process environment); throws one line naming every problem. */
export function readWebEnv(source: Readonly<Record<string, string | undefined>>, cwd: string): WebEnv {
  const env = parseEnvironment(schema, source);
  const tokenFile = env.TASKLOOM_AUTH_TOKEN_FILE;
  return {
    databaseUrl: env.TASKLOOM_DATABASE_URL,
    // Not a bundled file path: tell the tracer not to include the whole project for it.
    home: path.resolve(/* turbopackIgnore: true */ env.TASKLOOM_HOME ?? cwd),
    host: env.TASKLOOM_HOST,
    port: env.TASKLOOM_PORT,
    authToken: resolveAuthToken(
      {
        token: env.TASKLOOM_AUTH_TOKEN,
        file: tokenFile === undefined ? undefined : path.resolve(/* turbopackIgnore: true */ cwd, tokenFile),
      },
      (file) => fs.readFileSync(file, "utf8"),
    ),
    trustProxy: env.TASKLOOM_TRUST_PROXY === "1" || env.TASKLOOM_TRUST_PROXY === "true",
    entrySecret: env.TASKLOOM_ENTRY_SECRET,
    llm: llmOptionsOf(env as LlmEnvironment),
  };
}
