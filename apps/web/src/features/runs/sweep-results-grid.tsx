"use client";

import { useMemo, useState } from "react";
import { StatusPill } from "../../components/status/status-pill.tsx";
import { formatElapsed } from "../../graph/run-progress.ts";
import {
  type ChartSeries,
  cellText,
  chartSeries,
  fieldValue,
  numericFields,
  outputFields,
  paramNames,
  type SweepColumn,
  type SweepRow,
  type SweepSort,
  sortRows,
} from "../../runs/sweep-results.ts";

const selectClass = "rounded border border-slate-300 bg-white px-1.5 py-0.5 text-xs";

function SortHeader({
  column,
  label,
  sort,
  onSort,
}: {
  column: SweepColumn;
  label: string;
  sort: SweepSort;
  onSort: (sort: SweepSort) => void;
}) {
  const active = sort.column === column;
  return (
    <th
      scope="col"
      className="px-1.5 py-1 text-left font-medium whitespace-nowrap"
      aria-sort={active ? (sort.descending ? "descending" : "ascending") : "none"}
    >
      <button
        type="button"
        data-testid={`sweep-sort-${column}`}
        className="hover:text-slate-900"
        onClick={() => onSort({ column, descending: active ? !sort.descending : false })}
      >
        {label}
        {active && <span aria-hidden="true">{sort.descending ? " ↓" : " ↑"}</span>}
      </button>
    </th>
  );
}

/** A choice among names (an output field, a param). */
function NameSelect({
  label,
  testId,
  names,
  value,
  onChange,
}: {
  label: string;
  testId: string;
  names: readonly string[];
  value: string;
  onChange: (name: string) => void;
}) {
  return (
    <select
      className={selectClass}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      aria-label={label}
      data-testid={testId}
    >
      {names.map((name) => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </select>
  );
}

const CHART_WIDTH = 360;
const CHART_HEIGHT = 180;
const PAD = { left: 44, right: 10, top: 10, bottom: 30 };

/** Rounds an axis label to something readable (3 significant digits). */
const tick = (value: number) => Number(value.toPrecision(3)).toString();

/** A scatter plot of the series in plain SVG: few points, no chart library needed. */
function SweepChart({ series, param, field }: { series: ChartSeries; param: string; field: string }) {
  const { points, categories } = series;
  if (points.length === 0) {
    return <p className="text-xs text-slate-500">No point has a numeric {field} yet.</p>;
  }
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [minX, maxX] = categories ? [-0.5, categories.length - 0.5] : [Math.min(...xs), Math.max(...xs)];
  const [minY, maxY] = [Math.min(...ys), Math.max(...ys)];
  const spanX = maxX - minX || 1;
  const spanY = maxY - minY || 1;
  const plotW = CHART_WIDTH - PAD.left - PAD.right;
  const plotH = CHART_HEIGHT - PAD.top - PAD.bottom;
  const sx = (x: number) => PAD.left + ((x - minX) / spanX) * plotW;
  const sy = (y: number) => PAD.top + plotH - ((y - minY) / spanY) * plotH;
  const xTicks = categories
    ? categories.map((label, index) => ({ at: index, label }))
    : [minX, maxX].map((at) => ({ at, label: tick(at) }));
  return (
    <svg
      viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`}
      className="w-full rounded border border-slate-200 bg-white"
      role="img"
      aria-label={`${field} against ${param}`}
      data-testid="sweep-chart"
    >
      <line x1={PAD.left} y1={PAD.top + plotH} x2={PAD.left + plotW} y2={PAD.top + plotH} stroke="#cbd5e1" />
      <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={PAD.top + plotH} stroke="#cbd5e1" />
      {[minY, maxY].map((y) => (
        <text key={`y${y}`} x={PAD.left - 4} y={sy(y) + 3} textAnchor="end" fontSize="9" fill="#64748b">
          {tick(y)}
        </text>
      ))}
      {xTicks.map(({ at, label }) => (
        <text
          key={`x${at}`}
          x={sx(at)}
          y={PAD.top + plotH + 12}
          textAnchor="middle"
          fontSize="9"
          fill="#64748b"
        >
          {label}
        </text>
      ))}
      <text x={PAD.left + plotW / 2} y={CHART_HEIGHT - 4} textAnchor="middle" fontSize="10" fill="#334155">
        {param}
      </text>
      {points.map((p) => (
        <circle key={p.key} cx={sx(p.x)} cy={sy(p.y)} r={4} fill="#4f46e5" data-testid="sweep-chart-point">
          <title>{`${p.key}: ${param} ${categories ? categories[p.x] : p.x}, ${field} ${p.y}`}</title>
        </circle>
      ))}
    </svg>
  );
}

/**
 * The sweep results grid of a swept task: a row per point (params, status, duration, the output or one field
 * of it), sortable by any column, and a chart of a numeric output field against one param.
 */
export function SweepResultsGrid({ rows }: { rows: SweepRow[] }) {
  const params = useMemo(() => paramNames(rows), [rows]);
  const fields = useMemo(() => outputFields(rows), [rows]);
  const numeric = useMemo(() => numericFields(rows), [rows]);
  const [field, setField] = useState<string | null>(null);
  const [sort, setSort] = useState<SweepSort>({ column: "index", descending: false });
  const [chartParam, setChartParam] = useState<string | null>(null);
  const [chartField, setChartField] = useState<string | null>(null);
  const shownField = field !== null && fields.includes(field) ? field : null;
  const sorted = useMemo(() => sortRows(rows, sort, shownField), [rows, sort, shownField]);
  const xParam = chartParam ?? params[0] ?? null;
  const yField = chartField ?? numeric[0] ?? null;

  return (
    <div className="flex flex-col gap-3" data-testid="sweep-results">
      <label className="flex items-center gap-2 text-xs text-slate-600">
        Show
        <select
          className={selectClass}
          value={shownField ?? ""}
          onChange={(event) => setField(event.target.value === "" ? null : event.target.value)}
          data-testid="sweep-field"
        >
          <option value="">whole output</option>
          {fields.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <div className="max-h-80 overflow-auto rounded border border-slate-200">
        <table className="w-full text-xs" data-testid="sweep-grid">
          <thead className="sticky top-0 bg-slate-50 text-slate-500">
            <tr>
              <SortHeader column="index" label="#" sort={sort} onSort={setSort} />
              {params.map((name) => (
                <SortHeader key={name} column={`param:${name}`} label={name} sort={sort} onSort={setSort} />
              ))}
              <SortHeader column="status" label="Status" sort={sort} onSort={setSort} />
              <SortHeader column="duration" label="Time" sort={sort} onSort={setSort} />
              <SortHeader column="output" label={shownField ?? "Output"} sort={sort} onSort={setSort} />
            </tr>
          </thead>
          <tbody>
            {sorted.map((row) => (
              <tr key={row.key} className="border-t border-slate-100" data-testid="sweep-row">
                <td className="px-1.5 py-1 text-slate-500 tabular-nums">{row.index}</td>
                {params.map((name) => (
                  <td key={name} className="px-1.5 py-1 font-mono" data-testid={`sweep-param-${name}`}>
                    {cellText(row.params[name])}
                  </td>
                ))}
                <td className="px-1.5 py-1">
                  <StatusPill status={row.status} size="sm" />
                </td>
                <td className="px-1.5 py-1 whitespace-nowrap tabular-nums">
                  {row.durationMs === null ? "—" : formatElapsed(row.durationMs)}
                </td>
                <td className="max-w-48 truncate px-1.5 py-1 font-mono" data-testid="sweep-output">
                  {cellText(fieldValue(row, shownField))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {xParam !== null && yField !== null && (
        <div className="flex flex-col gap-1.5">
          <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
            Chart
            <NameSelect
              label="Output field to chart"
              testId="sweep-chart-field"
              names={numeric}
              value={yField}
              onChange={setChartField}
            />
            against
            <NameSelect
              label="Param on the x axis"
              testId="sweep-chart-param"
              names={params}
              value={xParam}
              onChange={setChartParam}
            />
          </div>
          <SweepChart series={chartSeries(rows, xParam, yField)} param={xParam} field={yField} />
        </div>
      )}
    </div>
  );
}
