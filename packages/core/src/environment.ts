import { z } from "zod";
import { authTokenFromFile } from "./auth-token.ts";

/**
 * What the apps' env modules share (each app keeps its own schema and is the only reader of its
 * environment): one way to report bad variables, and one way to settle the access token.
 */

/** Parses `source` with `schema`; throws one line naming every problem (`invalid environment: X: …; Y: …`). */
export function parseEnvironment<T>(schema: z.ZodType<T>, source: Readonly<Record<string, unknown>>): T {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
  throw new Error(`invalid environment: ${problems}`);
}

/**
 * The access token from `TASKLOOM_AUTH_TOKEN` or from the file `TASKLOOM_AUTH_TOKEN_FILE` names (not both),
 * or undefined when neither is set. `readFile` is the caller's (this package does no I/O); a file that
 * cannot be read, or holds no usable token, is an error naming the file.
 */
export function resolveAuthToken(
  input: { token: string | undefined; file: string | undefined },
  readFile: (file: string) => string,
): string | undefined {
  if (input.file === undefined) return input.token;
  if (input.token !== undefined) {
    throw new Error("invalid environment: set TASKLOOM_AUTH_TOKEN or TASKLOOM_AUTH_TOKEN_FILE, not both");
  }
  let text: string;
  try {
    text = readFile(input.file);
  } catch (error) {
    const reason = error instanceof Error && "code" in error ? String(error.code) : String(error);
    throw new Error(`invalid environment: TASKLOOM_AUTH_TOKEN_FILE: cannot read ${input.file} (${reason})`);
  }
  const read = authTokenFromFile(text);
  if ("problem" in read) {
    throw new Error(`invalid environment: TASKLOOM_AUTH_TOKEN_FILE ${input.file}: ${read.problem}`);
  }
  return read.token;
}

/** An unset variable and an empty one mean the same: not configured. */
const unsetIfBlank = (value: unknown) => (value === "" ? undefined : value);

/**
 * The LLM variables both apps read (the CLI's engine and the dashboard's): spread into an app's schema,
 * then `llmOptionsOf` turns them into the engine's `llm` options.
 */
export const llmEnvironmentShape = {
  /** OpenAI-compatible API root for `kind: llm` tasks. Default none: LLM tasks run in dry-run mode. */
  TASKLOOM_LLM_BASE_URL: z.preprocess(unsetIfBlank, z.url({ protocol: /^https?$/ }).optional()),
  /** API key sent to that server. Default none (local servers need none). */
  TASKLOOM_LLM_API_KEY: z.preprocess(unsetIfBlank, z.string().min(1).optional()),
  /** Model of LLM tasks that name none. Default gpt-4o-mini. */
  TASKLOOM_LLM_MODEL: z.preprocess(unsetIfBlank, z.string().min(1).optional()),
  /**
   * Embeddings model of the same server (its `/embeddings`): when set, retrieval is hybrid (BM25 and
   * embeddings fused by reciprocal rank). Default none: BM25 only.
   */
  TASKLOOM_EMBEDDINGS_MODEL: z.preprocess(unsetIfBlank, z.string().min(1).optional()),
};

export interface LlmEnvironment {
  TASKLOOM_LLM_BASE_URL?: string | undefined;
  TASKLOOM_LLM_API_KEY?: string | undefined;
  TASKLOOM_LLM_MODEL?: string | undefined;
  TASKLOOM_EMBEDDINGS_MODEL?: string | undefined;
}

/** The engine's `llm` options from the parsed variables; unset ones are left out. */
export function llmOptionsOf(env: LlmEnvironment): {
  baseUrl?: string;
  apiKey?: string;
  model?: string;
  embeddingsModel?: string;
} {
  return {
    ...(env.TASKLOOM_LLM_BASE_URL ? { baseUrl: env.TASKLOOM_LLM_BASE_URL } : {}),
    ...(env.TASKLOOM_LLM_API_KEY ? { apiKey: env.TASKLOOM_LLM_API_KEY } : {}),
    ...(env.TASKLOOM_LLM_MODEL ? { model: env.TASKLOOM_LLM_MODEL } : {}),
    ...(env.TASKLOOM_EMBEDDINGS_MODEL ? { embeddingsModel: env.TASKLOOM_EMBEDDINGS_MODEL } : {}),
  };
}
