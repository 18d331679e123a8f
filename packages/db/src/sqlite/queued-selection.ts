import type { QueuedSelection } from "@taskloom/core";

/**
 * The queued task runs a queue admin action selects (`QueuedSelection`): `ready` ones matching every filter
 * given, in id order. The named parameters come from `selectionParams`.
 */
export const SELECT_QUEUED = `SELECT t.id, t.run_id, t.task_key, t.attempt, t.queue FROM task_runs t
  WHERE t.status = 'ready'
    AND (@queue IS NULL OR t.queue = @queue)
    AND (@runId IS NULL OR t.run_id = @runId)
    AND (@planSlug IS NULL OR t.run_id IN (SELECT r.id FROM runs r JOIN plans p ON p.id = r.plan_id
                                           WHERE p.slug = @planSlug))
    AND (@ids IS NULL OR t.id IN (SELECT value FROM json_each(@ids)))
  ORDER BY t.id`;

export interface QueuedRow {
  id: number;
  run_id: string;
  task_key: string;
  attempt: number;
  queue: string;
}

export function selectionParams(selection: QueuedSelection) {
  return {
    queue: selection.queue ?? null,
    runId: selection.runId ?? null,
    planSlug: selection.planSlug ?? null,
    ids: selection.taskRunIds ? JSON.stringify(selection.taskRunIds) : null,
  };
}
