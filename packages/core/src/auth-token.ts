import { z } from "zod";

/**
 * The one rule for the access token that guards the dashboard and its API, shared by the CLI (`taskloom
 * start`) and the web server, so that a token one accepts the other accepts too.
 */

/** Shortest token accepted: 16 characters (about 95 bits from a random base64 string). */
export const MIN_AUTH_TOKEN_LENGTH = 16;

/** Surrounding whitespace is not part of a token (a token file ends with a newline); blank means unset. */
export function normaliseAuthToken(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

function isControlCharacter(character: string): boolean {
  const code = character.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

/** Why `token` cannot be used, or undefined when it can. */
export function authTokenProblem(token: string): string | undefined {
  if (token.length < MIN_AUTH_TOKEN_LENGTH) return `use at least ${MIN_AUTH_TOKEN_LENGTH} characters`;
  // A header or cookie cannot carry these, so such a token could never be presented.
  if ([...token].some(isControlCharacter)) return "must not contain control characters";
  return undefined;
}

/**
 * `TASKLOOM_AUTH_TOKEN` as an env-schema field: optional, an empty value means unset, and a set value
 * must pass `authTokenProblem`.
 */
export const authTokenSchema = z.preprocess(
  (value) => (typeof value === "string" ? normaliseAuthToken(value) : value),
  z
    .string()
    .superRefine((token, context) => {
      const problem = authTokenProblem(token);
      if (problem !== undefined) context.addIssue({ code: "custom", message: problem });
    })
    .optional(),
);

/**
 * The token held by a token file's text (`TASKLOOM_AUTH_TOKEN_FILE`): its first line, trimmed, checked with
 * the same rule. The caller reads the file (this package does no I/O).
 */
export function authTokenFromFile(text: string): { token: string } | { problem: string } {
  const token = normaliseAuthToken(text.split("\n", 1)[0]);
  if (token === undefined) return { problem: "the file is empty" };
  const problem = authTokenProblem(token);
  return problem === undefined ? { token } : { problem };
}
