import type { z } from "zod";
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
