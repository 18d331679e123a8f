import type { TaskRunStatus } from "@taskloom/core";

/**
 * The sweep results grid's data, pure so it is tested without a browser: a row per point of a swept task,
 * the params and output fields it can show, sorting, and the series a chart draws.
 */

/** What the grid reads of a task run (the run detail's tasks). */
export interface SweepTaskRun {
  key: string;
  status: TaskRunStatus;
  startedAt: number | null;
  finishedAt: number | null;
  outputText: string | null;
  outputJson?: unknown;
  sweep?: { need: "all" | "any"; pointCount: number | null };
  point?: { taskKey: string; index: number; params: Record<string, string | number | boolean> };
}

export interface SweepRow {
  index: number;
  key: string;
  params: Record<string, string | number | boolean>;
  status: TaskRunStatus;
  /** Null until the point has started and finished. */
  durationMs: number | null;
  /** The JSON output when there is one, else the text output (null before it succeeds). */
  output: unknown;
}

/** The points of the swept task `taskKey` among a run's task runs, in point order. */
export function sweepRows(tasks: readonly SweepTaskRun[], taskKey: string): SweepRow[] {
  return tasks
    .filter((task) => task.point?.taskKey === taskKey)
    .map((task) => ({
      index: task.point?.index ?? 0,
      key: task.key,
      params: task.point?.params ?? {},
      status: task.status,
      durationMs:
        task.startedAt !== null && task.finishedAt !== null ? task.finishedAt - task.startedAt : null,
      output: task.outputJson ?? task.outputText,
    }))
    .sort((a, b) => a.index - b.index);
}

/** Every param name the rows set, in order of first appearance. */
export function paramNames(rows: readonly SweepRow[]): string[] {
  const names = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row.params)) names.add(name);
  return [...names];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The top-level fields of the rows' object outputs, in order of first appearance (the grid's choice). */
export function outputFields(rows: readonly SweepRow[]): string[] {
  const fields = new Set<string>();
  for (const row of rows)
    if (isRecord(row.output)) for (const key of Object.keys(row.output)) fields.add(key);
  return [...fields];
}

/** The fields whose values are numbers in at least one row: what the chart can plot. */
export function numericFields(rows: readonly SweepRow[]): string[] {
  return outputFields(rows).filter((field) => rows.some((row) => typeof fieldValue(row, field) === "number"));
}

/** The row's output, or one field of it (`field`); undefined when the output has no such field. */
export function fieldValue(row: SweepRow, field: string | null): unknown {
  if (field === null) return row.output;
  return isRecord(row.output) ? row.output[field] : undefined;
}

/** The text a grid cell shows for a value. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return "—";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

export type SweepColumn = "index" | "status" | "duration" | "output" | `param:${string}`;
export interface SweepSort {
  column: SweepColumn;
  descending: boolean;
}

/** Numbers by value, then everything else by its text; missing values last whatever the direction. */
function compareValues(a: unknown, b: unknown): number {
  const missingA = a === undefined || a === null;
  const missingB = b === undefined || b === null;
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return cellText(a).localeCompare(cellText(b), undefined, { numeric: true });
}

function columnValue(row: SweepRow, column: SweepColumn, field: string | null): unknown {
  if (column === "index") return row.index;
  if (column === "status") return row.status;
  if (column === "duration") return row.durationMs;
  if (column === "output") return fieldValue(row, field);
  return row.params[column.slice("param:".length)];
}

/** The rows sorted by a column (ties in point order); missing values stay last in both directions. */
export function sortRows(rows: readonly SweepRow[], sort: SweepSort, field: string | null): SweepRow[] {
  return [...rows].sort((a, b) => {
    const va = columnValue(a, sort.column, field);
    const vb = columnValue(b, sort.column, field);
    const missing = (v: unknown) => v === undefined || v === null;
    if (missing(va) || missing(vb)) return compareValues(va, vb) || a.index - b.index;
    const order = compareValues(va, vb);
    return (sort.descending ? -order : order) || a.index - b.index;
  });
}

export interface ChartSeries {
  points: { x: number; y: number; key: string }[];
  /** Labels of x when the param is not numeric: x is then the label's position. Null for a numeric param. */
  categories: string[] | null;
}

/**
 * What the chart plots: one point per row whose `field` is a number, against the param `param` (its value
 * when every row's is a number, else its position among the distinct values, sorted).
 */
export function chartSeries(rows: readonly SweepRow[], param: string, field: string): ChartSeries {
  const plotted = rows.filter(
    (row) => typeof fieldValue(row, field) === "number" && row.params[param] !== undefined,
  );
  const numeric = plotted.every((row) => typeof row.params[param] === "number");
  const categories = numeric
    ? null
    : [...new Set(plotted.map((row) => String(row.params[param])))].sort((a, b) =>
        a.localeCompare(b, undefined, { numeric: true }),
      );
  return {
    categories,
    points: plotted.map((row) => ({
      x: categories === null ? (row.params[param] as number) : categories.indexOf(String(row.params[param])),
      y: fieldValue(row, field) as number,
      key: row.key,
    })),
  };
}

/** `n/N` per swept task key: how many of its points are done (succeeded, or finished otherwise) of how many. */
export function sweepProgress(tasks: readonly SweepTaskRun[]): Record<string, string> {
  const done = new Map<string, number>();
  const total = new Map<string, number>();
  for (const task of tasks) {
    if (task.sweep) total.set(task.key, task.sweep.pointCount ?? 0);
    const group = task.point?.taskKey;
    if (group !== undefined && task.status === "succeeded") done.set(group, (done.get(group) ?? 0) + 1);
  }
  const progress: Record<string, string> = {};
  for (const [key, count] of total) progress[key] = `${done.get(key) ?? 0}/${count}`;
  return progress;
}
