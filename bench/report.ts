import type { OpStats } from "./timed-store.ts";

/** Nearest-rank percentile: always one of the measured values, never an interpolation. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export interface Row {
  scenario: string;
  metric: string;
  value: string;
  target?: string;
  /** Undefined for rows that only inform. */
  pass?: boolean;
  /** Every repetition, the spread a reader needs to judge the noise. */
  note?: string;
}

export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatTable(rows: Row[]): string {
  const headers = ["scenario", "metric", "value", "target", "", "all runs / notes"];
  const cells = rows.map((row) => [
    row.scenario,
    row.metric,
    row.value,
    row.target ?? "",
    row.pass === undefined ? "" : row.pass ? "✓" : "✗",
    row.note ?? "",
  ]);
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...cells.map((cell) => (cell[i] ?? "").length)),
  );
  const line = (cell: string[]) =>
    cell
      .map((text, i) => (i === 2 ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "─".repeat(w)).join("  ");
  return [line(headers), rule, ...cells.map(line)].join("\n");
}

/** Where the store time went in one scenario, busiest operation first. */
export function formatOps(label: string, ops: Map<string, OpStats>, wallMs: number): string {
  const entries = [...ops.entries()].sort((a, b) => b[1].selfMs - a[1].selfMs);
  const parts = entries
    .filter(([, s]) => s.selfMs >= 0.5)
    .map(([name, s]) => {
      const perRow = s.rows > 0 ? `, ${formatNumber((s.selfMs * 1000) / s.rows)} µs/row` : "";
      return `${name} ${formatNumber(s.selfMs)} ms in ${formatNumber(s.calls)} calls (${formatNumber(s.rows)} rows${perRow})`;
    });
  const storeMs = entries.reduce((sum, [, s]) => sum + s.selfMs, 0);
  const share =
    wallMs > 0 ? ` = ${formatNumber((100 * storeMs) / wallMs)}% of ${formatNumber(wallMs)} ms wall` : "";
  return `  ${label}: store ${formatNumber(storeMs)} ms${share}\n    ${parts.join("\n    ")}`;
}
