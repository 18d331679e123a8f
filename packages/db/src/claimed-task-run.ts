import type { ClaimedTaskRun, ParamValue, TaskDefinition, UpstreamOutput } from "@taskloom/core";

/** The columns a claim reads for each task run it leased (both stores select them under these names). */
export interface ClaimedRow {
  id: number;
  run_id: string;
  task_key: string;
  attempt: number;
  max_attempts: number;
  spec_json: string;
  params_json: string;
  plan_slug: string;
  base_dir: string | null;
  /** A sweep point's index and own params (JSON); null for other task runs. */
  point_index: number | null;
  point_params_json: string | null;
}

/** One `requires` upstream's output, as stored. */
export interface UpstreamRow {
  task_key: string;
  output_text: string | null;
  output_json: string | null;
}

/** What the executor gets for a claimed task run: its frozen definition, params and upstream outputs. */
export function toClaimed(
  row: ClaimedRow,
  leaseExpiresAt: number,
  upstreamRows: UpstreamRow[],
): ClaimedTaskRun {
  const upstream: Record<string, UpstreamOutput> = {};
  for (const up of upstreamRows) {
    upstream[up.task_key] = {
      output: up.output_text,
      json: up.output_json === null ? null : JSON.parse(up.output_json),
    };
  }
  return {
    id: row.id,
    runId: row.run_id,
    planSlug: row.plan_slug,
    baseDir: row.base_dir,
    taskKey: row.task_key,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    definition: JSON.parse(row.spec_json) as TaskDefinition,
    params: JSON.parse(row.params_json) as Record<string, ParamValue>,
    upstream,
    leaseExpiresAt,
    ...(row.point_index !== null && row.point_params_json !== null
      ? {
          point: {
            index: row.point_index,
            params: JSON.parse(row.point_params_json) as Record<string, ParamValue>,
          },
        }
      : {}),
  };
}
