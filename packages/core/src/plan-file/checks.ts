import { z } from "zod";
import type { ParamValue } from "../types.ts";
import { parseDuration } from "./duration.ts";
import { type DocPath, describeValue, type IssueCollector, isPlainObject } from "./issues.ts";

/**
 * A check reads one raw value at `path`: it returns the parsed value, or undefined after reporting why it
 * cannot (a check never returns undefined for a valid value).
 */
export type Check<T> = (value: unknown, path: DocPath, issues: IssueCollector) => T | undefined;

export function fromZod<T>(schema: z.ZodType<T>): Check<T> {
  return (value, path, issues) => {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    issues.addZod(result.error, path);
    return undefined;
  };
}

/** The value of `key` in `object`, or undefined when it is absent (or explicitly undefined). */
export function own(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** Reads the optional field `key` of `object` with `check`; undefined when absent or invalid. */
export function readField<T>(
  object: Record<string, unknown>,
  key: string,
  path: DocPath,
  check: Check<T>,
  issues: IssueCollector,
): T | undefined {
  const value = own(object, key);
  return value === undefined ? undefined : check(value, [...path, key], issues);
}

/** -0 → 0, so that every parsed number survives a JSON round trip unchanged. */
function normaliseZero(value: number): number {
  return value === 0 ? 0 : value;
}

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
export const TASK_KEY_PATTERN = /^[a-z0-9_-]+$/;
export const PARAM_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const stringCheck = fromZod(z.string());
export const nonEmptyStringCheck = fromZod(z.string().min(1));
export const integerCheck = fromZod(z.int().transform(normaliseZero));
export const outputModeCheck = fromZod(z.enum(["text", "json"]));
export const stringListCheck = fromZod(z.array(z.string()));

export const paramValueCheck: Check<ParamValue> = (value, path, issues) => {
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number" && Number.isFinite(value)) return normaliseZero(value);
  issues.add(path, `expected a string, number or boolean, got ${describeValue(value)}`, "invalid_type");
  return undefined;
};

/** Environment and header values: strings; numbers and booleans are taken as their text. */
export const textValueCheck: Check<string> = (value, path, issues) => {
  if (typeof value === "string") return value;
  if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean")
    return String(value);
  issues.add(path, `expected a string, got ${describeValue(value)}`, "invalid_type");
  return undefined;
};

export const durationCheck: Check<number> = (value, path, issues) => {
  if (typeof value !== "string" && typeof value !== "number") {
    issues.add(path, `expected a duration such as 30s, got ${describeValue(value)}`, "invalid_duration");
    return undefined;
  }
  try {
    return parseDuration(value);
  } catch (error) {
    issues.add(path, error instanceof Error ? error.message : String(error), "invalid_duration");
    return undefined;
  }
};

/** A per-attempt time limit: a positive duration, or null for none. */
export const timeoutCheck: Check<number | null> = (value, path, issues) => {
  if (value === null) return null;
  const ms = durationCheck(value, path, issues);
  if (ms === 0) {
    issues.add(path, "timeout must be at least 1ms (use null for no timeout)", "too_small");
    return undefined;
  }
  return ms;
};

/** A mapping whose keys pass `keyProblem` (returns a message for a bad key) and values pass `valueCheck`. */
export function recordCheck<T>(
  keyProblem: (key: string) => string | undefined,
  valueCheck: Check<T>,
): Check<Record<string, T>> {
  return (value, path, issues) => {
    if (!isPlainObject(value)) {
      issues.add(path, `expected a mapping, got ${describeValue(value)}`, "invalid_type");
      return undefined;
    }
    const entries: [string, T][] = [];
    for (const key of Object.keys(value)) {
      const problem = keyProblem(key);
      if (problem !== undefined) {
        issues.add([...path, key], problem, isReservedName(key) ? "reserved" : "invalid_key");
        continue;
      }
      const parsed = valueCheck(value[key], [...path, key], issues);
      if (parsed !== undefined) entries.push([key, parsed]);
    }
    return Object.fromEntries(entries);
  };
}

/** Names that would act on an object's prototype when used as a plain property key downstream. */
export function isReservedName(key: string): boolean {
  return key === "__proto__";
}

export function paramNameProblem(key: string): string | undefined {
  if (isReservedName(key)) return `\`${key}\` is reserved`;
  return PARAM_NAME_PATTERN.test(key)
    ? undefined
    : `invalid param name \`${key}\`: use letters, digits and \`_\`, not starting with a digit`;
}

export function envNameProblem(key: string): string | undefined {
  if (isReservedName(key)) return `\`${key}\` is reserved`;
  return ENV_NAME_PATTERN.test(key)
    ? undefined
    : `invalid environment variable name \`${key}\`: use letters, digits and \`_\`, not starting with a digit`;
}

export function headerNameProblem(key: string): string | undefined {
  if (isReservedName(key)) return `\`${key}\` is reserved`;
  return HEADER_NAME_PATTERN.test(key) ? undefined : `invalid header name \`${key}\``;
}

export const paramsCheck = recordCheck(paramNameProblem, paramValueCheck);
export const envCheck = recordCheck(envNameProblem, textValueCheck);
export const headersCheck = recordCheck(headerNameProblem, textValueCheck);

/** A JSON value: null, boolean, finite number, string, list or plain mapping of JSON values. */
export function isJsonValue(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  if (isPlainObject(value)) return Object.values(value).every(isJsonValue);
  return false;
}
