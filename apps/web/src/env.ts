import path from "node:path";
import "server-only";
import { z } from "zod";

/** An unset variable and an empty one mean the same: not configured. */
const blank = (value: unknown) => (value === "" ? undefined : value);

const schema = z.object({
  /** Directory a relative database URL resolves against. Default: the server's working directory. */
  TASKLOOM_HOME: z.preprocess(blank, z.string().optional()),
  /** `file:PATH` (relative to TASKLOOM_HOME). */
  TASKLOOM_DATABASE_URL: z.preprocess(blank, z.string().default("file:.taskloom/taskloom.db")),
  TASKLOOM_HOST: z.preprocess(blank, z.string().default("127.0.0.1")),
  TASKLOOM_PORT: z.preprocess(blank, z.coerce.number().int().min(1).max(65_535).default(3000)),
  /** When set, every page and API call needs it (cookie `taskloom_token` or `Authorization: Bearer`). */
  TASKLOOM_AUTH_TOKEN: z.preprocess(blank, z.string().min(8, "must be at least 8 characters").optional()),
});

export interface WebEnv {
  databaseUrl: string;
  /** Absolute directory the database URL resolves against. */
  home: string;
  host: string;
  port: number;
  authToken: string | undefined;
}

let cached: WebEnv | undefined;

/**
 * The web app's one validated view of the environment; nothing else reads `process.env`. Read lazily, on
 * the first request, so that `next build` does not need the runtime configuration.
 */
export function webEnv(): WebEnv {
  if (cached !== undefined) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
      .join("; ");
    throw new Error(`invalid environment: ${problems}`);
  }
  const env = parsed.data;
  cached = {
    databaseUrl: env.TASKLOOM_DATABASE_URL,
    // Not a bundled file path: tell the tracer not to include the whole project for it.
    home: path.resolve(/* turbopackIgnore: true */ env.TASKLOOM_HOME ?? process.cwd()),
    host: env.TASKLOOM_HOST,
    port: env.TASKLOOM_PORT,
    authToken: env.TASKLOOM_AUTH_TOKEN,
  };
  return cached;
}
