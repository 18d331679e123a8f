import type { CachedOutput, CacheLookup } from "@taskloom/core";
import { type CachedOutputRow, cachedOutputOf } from "../task-action.ts";
import { at, type Queryable } from "./transaction.ts";

/**
 * The cache lookup a worker makes before it runs a task with `cache` (the twin of sqlite/find-cached-output.ts):
 * one primary-key seek on (plan, task, key), used only when stored at or after `notBefore`.
 */
export async function findCachedOutput(client: Queryable, lookup: CacheLookup): Promise<CachedOutput | null> {
  const { rows } = await client.query<CachedOutputRow>(
    `SELECT c.key, c.output_text, c.output_json, c.exit_code, c.run_id, c.task_run_id, c.stored_at
       FROM output_cache c
      WHERE c.plan_id = (SELECT id FROM plans WHERE slug = $1) AND c.task_key = $2 AND c.key = $3
        AND c.stored_at >= $4`,
    [lookup.planSlug, lookup.taskKey, lookup.key, at(lookup.notBefore)],
  );
  const row = rows[0];
  return row ? cachedOutputOf(row) : null;
}
