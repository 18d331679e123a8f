import { renderTemplate, type TemplateContext } from "./template.ts";
import type { TaskCache } from "./types.ts";

/** A stored successful output, found for a cache key. Times are epoch ms. */
export interface CachedOutput {
  key: string;
  outputText: string | null;
  outputJson: string | null;
  exitCode: number | null;
  /** The run and task run whose success stored it. */
  sourceRunId: string;
  sourceTaskRunId: number;
  storedAt: number;
}

/** What a store is asked for a cache lookup: the newest output of that plan's task with that key since `notBefore`. */
export interface CacheLookup {
  planSlug: string;
  taskKey: string;
  key: string;
  notBefore: number;
}

/** What a cached task's attempt reports with its success: the key, and the stored output it came from, if any. */
export interface AttemptCacheUse {
  key: string;
  /** The stored output the attempt completed from without running; null when it ran (and stores its output). */
  hit: CachedOutput | null;
}

/**
 * The cache key of one attempt: the template rendered with the attempt's params and upstream outputs, so that
 * `{{params.day}}` caches per day. Returns null when it does not render (the attempt then runs uncached).
 */
export function renderCacheKey(cache: TaskCache, context: TemplateContext): string | null {
  try {
    return renderTemplate(cache.key, context);
  } catch {
    return null;
  }
}

/** The oldest stored output a lookup at `now` may use: one stored exactly `ttlMs` ago has expired. */
export const cacheNotBefore = (now: number, cache: TaskCache): number => now - cache.ttlMs + 1;
