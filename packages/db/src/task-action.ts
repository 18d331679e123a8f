import type { AttemptCacheUse, CachedOutput, RunStatus, TaskRunStatus } from "@taskloom/core";

/** A task run as both stores' operator actions select it, with its run's status (snake_case). */
export interface TaskActionRow {
  id: number;
  run_id: string;
  task_key: string;
  status: TaskRunStatus;
  attempt: number;
  spec_json: string;
  run_status: RunStatus;
}

/** The error recorded on a task run (and its running attempt) that an operator cancelled. */
export const operatorCancelError = (actor: string): string => `cancelled by ${actor}`;

/** A reused task run's source, as both stores' reruns select it (snake_case). */
export interface ReuseSourceRow {
  task_key: string;
  source_id: number | null;
  source_status: TaskRunStatus | null;
  output_text: string | null;
  output_json: string | null;
  exit_code: number | null;
  id: number;
  status: TaskRunStatus;
  attempt: number;
}

/** A stored cache row (snake_case), as both stores select it. */
export interface CachedOutputRow {
  key: string;
  output_text: string | null;
  output_json: string | null;
  exit_code: number | null;
  run_id: string;
  task_run_id: number;
  stored_at: number | Date;
}

export function cachedOutputOf(row: CachedOutputRow): CachedOutput {
  return {
    key: row.key,
    outputText: row.output_text,
    outputJson: row.output_json,
    exitCode: row.exit_code,
    sourceRunId: row.run_id,
    sourceTaskRunId: row.task_run_id,
    storedAt: typeof row.stored_at === "number" ? row.stored_at : row.stored_at.getTime(),
  };
}

/** What the `succeeded` move of a cached task records, and its `task_run.cache` event's data. */
export function cacheUseData(cache: AttemptCacheUse): Record<string, unknown> {
  return cache.hit
    ? {
        key: cache.key,
        hit: true,
        sourceRunId: cache.hit.sourceRunId,
        sourceTaskRunId: cache.hit.sourceTaskRunId,
        storedAt: cache.hit.storedAt,
      }
    : { key: cache.key, hit: false };
}
