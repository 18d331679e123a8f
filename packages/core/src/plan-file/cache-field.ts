import type { TaskCache } from "../types.ts";
import { type Check, durationCheck, nonEmptyStringCheck, own } from "./checks.ts";
import { describeValue, isPlainObject } from "./issues.ts";

const CACHE_FIELDS = ["key", "ttl"];

/**
 * A task's `cache: { key: "<template>", ttl: 1d }`: both fields required; `ttl` a duration of at least 1ms.
 * The key's template references are checked with the task's other templated fields.
 */
export const cacheCheck: Check<TaskCache> = (value, path, issues) => {
  if (!isPlainObject(value)) {
    issues.add(path, `expected a mapping { key, ttl }, got ${describeValue(value)}`, "invalid_type");
    return undefined;
  }
  const before = issues.count;
  for (const field of Object.keys(value)) {
    if (!CACHE_FIELDS.includes(field))
      issues.add([...path, field], `unknown field \`${field}\``, "unknown_field");
  }
  const rawKey = own(value, "key");
  const rawTtl = own(value, "ttl");
  if (rawKey === undefined)
    issues.add(path, "missing required field `key` (the cache key template)", "required", "key");
  if (rawTtl === undefined) {
    issues.add(
      path,
      "missing required field `ttl` (how long a cached output is used, e.g. 1d)",
      "required",
      "ttl",
    );
  }
  const key = rawKey === undefined ? undefined : nonEmptyStringCheck(rawKey, [...path, "key"], issues);
  const ttlMs = rawTtl === undefined ? undefined : durationCheck(rawTtl, [...path, "ttl"], issues);
  if (ttlMs === 0) issues.add([...path, "ttl"], "ttl must be at least 1ms", "too_small");
  if (issues.count !== before || key === undefined || ttlMs === undefined) return undefined;
  return { key, ttlMs };
};
