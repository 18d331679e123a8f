import type { CachedOutput, CacheLookup } from "@taskloom/core";
import { type CachedOutputRow, cachedOutputOf } from "../task-action.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";

/**
 * The cache lookup a worker makes before it runs a task with `cache` (on the claim path, so raw SQL): one
 * primary-key seek on (plan, task, key), used only when stored at or after `notBefore`.
 */
export function prepareFindCachedOutput(db: SqliteDatabase): (lookup: CacheLookup) => CachedOutput | null {
  const find = db.prepare<[string, string, string, number], CachedOutputRow>(
    `SELECT c.key, c.output_text, c.output_json, c.exit_code, c.run_id, c.task_run_id, c.stored_at
       FROM output_cache c
      WHERE c.plan_id = (SELECT id FROM plans WHERE slug = ?) AND c.task_key = ? AND c.key = ? AND c.stored_at >= ?`,
  );
  return (lookup) => {
    const row = find.get(lookup.planSlug, lookup.taskKey, lookup.key, lookup.notBefore);
    return row ? cachedOutputOf(row) : null;
  };
}
