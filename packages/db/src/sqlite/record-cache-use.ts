import type { AttemptCacheUse } from "@taskloom/core";
import { cacheUseData } from "../task-action.ts";
import { prepareEventWriter } from "./event-writer.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";

/**
 * What a successful attempt of a task with `cache` records besides its output, in the completion's
 * transaction: a hit marks the task run as completed from the cache (with the source run); a miss stores the
 * output under its key (replacing an older one). Either way a `task_run.cache` event says which.
 */
export function prepareRecordCacheUse(
  db: SqliteDatabase,
): (taskRun: { id: number; run_id: string; task_key: string }, cache: AttemptCacheUse, now: number) => void {
  const writeEvent = prepareEventWriter(db);
  const markHit = db.prepare(
    "UPDATE task_runs SET output_from = 'cache', output_from_run_id = ?, cache_key = ? WHERE id = ?",
  );
  const markKey = db.prepare("UPDATE task_runs SET cache_key = ? WHERE id = ?");
  const store = db.prepare(
    `INSERT INTO output_cache (plan_id, task_key, key, output_text, output_json, exit_code, run_id, task_run_id,
                               stored_at)
     SELECT r.plan_id, t.task_key, ?, t.output_text, t.output_json, t.exit_code, t.run_id, t.id, ?
       FROM task_runs t JOIN runs r ON r.id = t.run_id WHERE t.id = ?
     ON CONFLICT (plan_id, task_key, key) DO UPDATE SET
       output_text = excluded.output_text, output_json = excluded.output_json, exit_code = excluded.exit_code,
       run_id = excluded.run_id, task_run_id = excluded.task_run_id, stored_at = excluded.stored_at`,
  );
  return (taskRun, cache, now) => {
    if (cache.hit) markHit.run(cache.hit.sourceRunId, cache.key, taskRun.id);
    else {
      markKey.run(cache.key, taskRun.id);
      store.run(cache.key, now, taskRun.id);
    }
    writeEvent({
      type: "task_run.cache",
      runId: taskRun.run_id,
      taskRunId: taskRun.id,
      taskKey: taskRun.task_key,
      data: cacheUseData(cache),
      at: now,
    });
  };
}
