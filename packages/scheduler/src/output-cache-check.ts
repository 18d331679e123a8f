import {
  type AttemptCacheUse,
  type ClaimedTaskRun,
  cacheNotBefore,
  type ExecutionResult,
  type Logger,
  renderCacheKey,
  type SchedulerStore,
} from "@taskloom/core";

/**
 * The output-cache check of a claimed attempt, made before it would run: for a task with `cache`, its key
 * rendered with the attempt's params and upstream outputs, and the stored output found for it within the TTL.
 * Null for a task without `cache`, or one whose key does not render (it runs uncached). A failed lookup is
 * logged and counts as a miss: the cache can only save work, never fail a task.
 */
export async function checkOutputCache(
  store: SchedulerStore,
  claimed: ClaimedTaskRun,
  now: number,
  logger: Logger,
): Promise<AttemptCacheUse | null> {
  const cache = claimed.definition.cache;
  if (!cache) return null;
  const key = renderCacheKey(cache, {
    params: claimed.params,
    tasks: claimed.upstream,
    run: { id: claimed.runId },
    plan: { slug: claimed.planSlug },
  });
  if (key === null) return null;
  try {
    const hit = await store.findCachedOutput({
      planSlug: claimed.planSlug,
      taskKey: claimed.taskKey,
      key,
      notBefore: cacheNotBefore(now, cache),
    });
    return { key, hit };
  } catch (error) {
    logger.warn({ err: error, taskRunId: claimed.id }, "output cache lookup failed; running the task");
    return { key, hit: null };
  }
}

/** The report of an attempt completed from the cache: the stored output, as if the task had just produced it. */
export function cachedReport(hit: NonNullable<AttemptCacheUse["hit"]>): ExecutionResult {
  return {
    status: "succeeded",
    exitCode: hit.exitCode,
    outputText: hit.outputText,
    outputJson: hit.outputJson,
    error: null,
    reason: null,
    durationMs: 0,
  };
}

/** The system log line of an attempt that completed from the cache. */
export const cacheHitLogLine = (use: AttemptCacheUse & { hit: object }): string =>
  `completed from the output cache (key "${use.key}", stored by run ${use.hit.sourceRunId}); the task did not run\n`;
