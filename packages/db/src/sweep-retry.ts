import {
  IllegalActionError,
  type ParamValue,
  pointConcurrency,
  pointParams,
  type TaskDefinition,
  type TaskRunStatus,
} from "@taskloom/core";
import { renderedConcurrency } from "./concurrency-columns.ts";

/** The sweep columns an operator retry reads (both stores select them under these names). */
export interface SweepRetryRow {
  spec_json: string;
  sweep_need: string | null;
  point_params_json: string | null;
}

/**
 * What an operator retry of a sweep group re-runs: a group never runs itself, so only one whose `itemsFrom`
 * upstream's output could not be expanded (failed, reason `sweep_items`) can be retried, and that retry runs
 * the upstream again (the key returned) and expands from its new output. Shared by both stores.
 * @throws IllegalActionError for any other group: its failed points are retried one at a time.
 */
export function sweepSourceOf(row: SweepRetryRow & { status: TaskRunStatus }, taskKey: string): string {
  const sweep = (JSON.parse(row.spec_json) as TaskDefinition).sweep;
  if (row.status === "failed" && sweep && "itemsFrom" in sweep) return sweep.itemsFrom;
  throw new IllegalActionError(
    "retry",
    `\`${taskKey}\` is a sweep: retry its failed points (\`${taskKey}[N]\`), or rerun the run`,
  );
}

/**
 * The event data of the moves of a sweep retry (`sweepRetry` of the group, `sweepSourceRetry` of its
 * upstream), so the audit trail says which sweep brought a succeeded task back.
 */
export const sweepRetryData = (sweepKey: string, sourceKey: string) => ({
  operator: "retry",
  sweep: sweepKey,
  source: sourceKey,
});

/**
 * How an operator retry treats sweep points, shared by both stores. A point (`train[3]`) takes its task's
 * definition (looked up by the task's key, not the point's) and keeps its own params over the definition's,
 * with its concurrency key rendered as at expansion.
 * @throws IllegalActionError for a sweep group (see `sweepSourceOf`).
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
