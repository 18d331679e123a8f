import {
  IllegalActionError,
  type ParamValue,
  pointConcurrency,
  pointParams,
  type TaskDefinition,
} from "@taskloom/core";
import { renderedConcurrency } from "./concurrency-columns.ts";

/** The sweep columns an operator retry reads (both stores select them under these names). */
export interface SweepRetryRow {
  spec_json: string;
  sweep_need: string | null;
  point_params_json: string | null;
}

/**
 * How an operator retry treats sweeps, shared by both stores. A group never runs, so it cannot be retried
 * (its failed points can, one at a time). A point (`train[3]`) takes its task's definition (looked up by the
 * task's key, not the point's) and keeps its own params over the definition's, with its concurrency key
 * rendered as at expansion.
 * @throws IllegalActionError for a sweep group.
 */
export function sweepRetryOf(
  row: SweepRetryRow,
  taskKey: string,
): {
  definitionKey: string;
  columns(
    definition: TaskDefinition,
    params: Record<string, ParamValue>,
    runId: string,
    planSlug: string,
  ): { params: string; concurrencyKey: string | null; concurrencyLimit: number | null };
} {
  if (row.sweep_need !== null) {
    throw new IllegalActionError(
      "retry",
      `\`${taskKey}\` is a sweep: retry its failed points (\`${taskKey}[N]\`), or rerun the run`,
    );
  }
  const point =
    row.point_params_json === null ? null : (JSON.parse(row.point_params_json) as Record<string, ParamValue>);
  return {
    definitionKey: point === null ? taskKey : (JSON.parse(row.spec_json) as TaskDefinition).key,
    columns(definition, params, runId, planSlug) {
      if (point === null) {
        return {
          params: JSON.stringify(params),
          ...renderedConcurrency(definition, params, runId, planSlug),
        };
      }
      const merged = pointParams(params, point);
      const concurrency = pointConcurrency(definition, merged, runId, planSlug);
      return {
        params: JSON.stringify(merged),
        concurrencyKey: concurrency?.key ?? null,
        concurrencyLimit: concurrency?.limit ?? null,
      };
    },
  };
}
