import type { AttemptCacheUse } from "@taskloom/core";
import { cacheUseData } from "../task-action.ts";
import { writeEvents } from "./event-writer.ts";
import { at, type Queryable } from "./transaction.ts";

/**
 * What successful attempts of tasks with `cache` record besides their outputs, in the completion's transaction
 * (the twin of sqlite/record-cache-use.ts): hits are marked as completed from the cache, misses store their
 * output under their key; a `task_run.cache` event each.
 */
export async function recordCacheUses(
  client: Queryable,
  uses: { taskRun: { id: number; run_id: string; task_key: string }; cache: AttemptCacheUse }[],
  now: number,
): Promise<void> {
  if (uses.length === 0) return;
  for (const { taskRun, cache } of uses) {
    if (cache.hit) {
      await client.query(
        "UPDATE task_runs SET output_from = 'cache', output_from_run_id = $2, cache_key = $3 WHERE id = $1",
        [taskRun.id, cache.hit.sourceRunId, cache.key],
      );
    } else {
      await client.query("UPDATE task_runs SET cache_key = $2 WHERE id = $1", [taskRun.id, cache.key]);
      await client.query(
        `INSERT INTO output_cache (plan_id, task_key, key, output_text, output_json, exit_code, run_id, task_run_id,
                                   stored_at)
         SELECT r.plan_id, t.task_key, $2, t.output_text, t.output_json, t.exit_code, t.run_id, t.id, $3
           FROM task_runs t JOIN runs r ON r.id = t.run_id WHERE t.id = $1
         ON CONFLICT (plan_id, task_key, key) DO UPDATE SET
           output_text = excluded.output_text, output_json = excluded.output_json, exit_code = excluded.exit_code,
           run_id = excluded.run_id, task_run_id = excluded.task_run_id, stored_at = excluded.stored_at`,
        [taskRun.id, cache.key, at(now)],
      );
    }
  }
  await writeEvents(
    client,
    uses.map(({ taskRun, cache }) => ({
      type: "task_run.cache" as const,
      runId: taskRun.run_id,
      taskRunId: taskRun.id,
      taskKey: taskRun.task_key,
      data: cacheUseData(cache),
      at: now,
    })),
  );
}
