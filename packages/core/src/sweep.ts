import { renderConcurrency } from "./plan-file/concurrency.ts";
import type { ParamValue, SweepPolicy, TaskDefinition, TaskRunStatus } from "./types.ts";

/**
 * Parameter sweeps: a swept task's task run is a **sweep group** that never runs itself; it has one **point**
 * task run per point, keyed `<task>[<index>]`, each with the point's params merged over the task's. The group
 * counts its points down like upstreams (`requires` edges point → group) and settles when enough succeeded:
 * `need: all` waits for every point, `need: any` for one. The stores share these pure parts.
 */

/** Most points one sweep may have (a matrix's product, an items list, an `itemsFrom` array). */
export const MAX_SWEEP_POINTS = 10_000;

/** The task key of a point's task run: `train[3]`. Task keys cannot contain `[`, so it never clashes. */
export function pointTaskKey(taskKey: string, index: number): string {
  return `${taskKey}[${index}]`;
}

/** How many points a static sweep has (the product of the matrix's list lengths); null for `itemsFrom`. */
export function staticPointCount(sweep: SweepPolicy): number | null {
  if ("matrix" in sweep) return sweep.matrix.reduce((product, axis) => product * axis.values.length, 1);
  if ("items" in sweep) return sweep.items.length;
  return null;
}

/**
 * The points of a static sweep, in point order: the matrix's cartesian product with the last list varying
 * fastest (`{a: [1, 2], b: [x, y]}` → a1 bx, a1 by, a2 bx, a2 by), or the items in list order. Empty for
 * `itemsFrom`, whose points are known only when its upstream succeeds (`pointsFromOutput`).
 */
export function staticPoints(sweep: SweepPolicy): Record<string, ParamValue>[] {
  if ("items" in sweep) return sweep.items.map((item) => ({ ...item }));
  if (!("matrix" in sweep)) return [];
  let points: Record<string, ParamValue>[] = [{}];
  for (const axis of sweep.matrix) {
    points = points.flatMap((point) => axis.values.map((value) => ({ ...point, [axis.name]: value })));
  }
  return points;
}

/** The points an `itemsFrom` upstream's output makes, or why it makes none. */
export type OutputPoints = { ok: true; points: Record<string, ParamValue>[] } | { ok: false; error: string };

/**
 * One point per element of the upstream's JSON array output. An object element's entries are the point's
 * params (a nested value becomes its JSON text, since params are scalars); any other element is the param
 * `item` (a scalar as is, null or an array as JSON text). A missing, non-JSON or non-array output, or more
 * than `MAX_SWEEP_POINTS` elements, makes no point and says why.
 */
export function pointsFromOutput(upstreamKey: string, outputJson: string | null): OutputPoints {
  let value: unknown;
  try {
    value = outputJson === null ? undefined : JSON.parse(outputJson);
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value)) {
    const got = value === undefined ? "no JSON output" : `${value === null ? "null" : typeof value}`;
    return {
      ok: false,
      error: `sweep itemsFrom \`${upstreamKey}\` needs a JSON array output (set \`output: json\` on it), got ${got}`,
    };
  }
  if (value.length > MAX_SWEEP_POINTS) {
    return {
      ok: false,
      error: `sweep itemsFrom \`${upstreamKey}\` output ${value.length} items, more than the ${MAX_SWEEP_POINTS} a sweep may have`,
    };
  }
  return { ok: true, points: value.map(pointOfElement) };
}

function asParam(value: unknown): ParamValue {
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  return JSON.stringify(value) ?? "null";
}

function pointOfElement(element: unknown): Record<string, ParamValue> {
  if (element === null || typeof element !== "object" || Array.isArray(element)) {
    return { item: asParam(element) };
  }
  const point: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(element)) point[name] = asParam(value);
  return point;
}

/** How many points must succeed before the group succeeds (its readiness counter once expanded). */
export function pointsNeeded(sweep: Pick<SweepPolicy, "need">, pointCount: number): number {
  return sweep.need === "any" ? Math.min(1, pointCount) : pointCount;
}

/**
 * The concurrency key and limit of one point: with `maxParallel`, a key shared by the points of this group
 * only (`sweep:<run>/<task>`), so the claim enforces it like any concurrency key; without it, the task's own
 * `concurrencyKey` rendered with the point's params (validation forbids both on one task). Null for neither.
 */
export function pointConcurrency(
  task: Pick<TaskDefinition, "key" | "concurrency" | "sweep">,
  params: Record<string, ParamValue>,
  runId: string,
  planSlug: string,
): { key: string; limit: number } | null {
  const maxParallel = task.sweep?.maxParallel ?? null;
  if (maxParallel !== null) return { key: `sweep:${runId}/${task.key}`, limit: maxParallel };
  return renderConcurrency(task, { params, run: { id: runId }, plan: { slug: planSlug } });
}

/**
 * A group's output once it settles: the points' JSON outputs in point order (a point's text output when it is
 * not JSON; null for a point that has not succeeded, with `need: any`). Stored as the group's JSON output, so
 * `{{tasks.<key>.outputs}}` and `{{tasks.<key>.output}}` both give this array.
 */
export function sweepOutputs(
  points: readonly { status: string; output_text: string | null; output_json: string | null }[],
): unknown[] {
  return points.map((point) => {
    if (point.status !== "succeeded") return null;
    if (point.output_json !== null) return JSON.parse(point.output_json) as unknown;
    return point.output_text;
  });
}

/** A point's task-run params: the task's effective params with the point's over them. */
export function pointParams(
  effective: Record<string, ParamValue>,
  point: Record<string, ParamValue>,
): Record<string, ParamValue> {
  return { ...effective, ...point };
}

/**
 * What becomes of a point still open when its `need: any` group succeeded without it: one that has not started
 * is `skipped`; one that runs, or waits to retry, is `cancelled` (a running attempt is stopped like a cancel).
 * Null for a point that is done already.
 */
export function unneededPointStatus(status: TaskRunStatus): "skipped" | "cancelled" | null {
  if (status === "pending" || status === "ready") return "skipped";
  if (status === "running" || status === "retrying") return "cancelled";
  return null;
}

/** The open statuses `unneededPointStatus` stops, for the stores' selects. */
export const UNNEEDED_POINT_STATUSES: readonly TaskRunStatus[] = ["pending", "ready", "running", "retrying"];

/** The error recorded on a point (and its running attempt) that `unneededPointStatus` cancelled. */
export function unneededPointError(groupKey: string): string {
  return `not needed: another point of \`${groupKey}\` succeeded (sweep need: any)`;
}
