"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { StatusPill } from "../../components/status/status-pill.tsx";
import { statusStyle } from "../../components/status/status-style.ts";
import { ChevronLeftIcon } from "../../components/ui/icons.tsx";
import { EmptyState, ErrorState, LoadingState } from "../../components/ui/states.tsx";
import { formatElapsed } from "../../graph/run-progress.ts";
import { median, trendBars } from "../../runs/duration-trend.ts";
import { shortRunId } from "../../runs/run-id.ts";
import { useTRPC } from "../../trpc/react.tsx";
import type { RouterOutputs } from "../../trpc/types.ts";
import { useLiveLists } from "../live/use-live-lists.ts";

type Grid = RouterOutputs["runs"]["grid"];

/** Bars of the last runs' durations, oldest first, with the median as text beside them. */
function Trend({ label, values }: { label: string; values: (number | null)[] }) {
  const bars = trendBars(values);
  const middle = median(values);
  return (
    <span className="flex items-center gap-2" data-testid={`trend-${label}`}>
      <svg width={bars.length * 5} height={18} role="img" aria-label={`Durations of ${label}, oldest first`}>
        {bars.map((height, index) =>
          height === null ? null : (
            <rect
              // biome-ignore lint/suspicious/noArrayIndexKey: one bar per run, in a fixed order
              key={index}
              x={index * 5}
              y={18 - Math.max(height * 18, 1)}
              width={4}
              height={Math.max(height * 18, 1)}
              className="fill-indigo-400"
            />
          ),
        )}
      </svg>
      <span className="text-xs text-slate-600 tabular-nums" data-testid="median">
        {middle === null ? "—" : `median ${formatElapsed(middle)}`}
      </span>
    </span>
  );
}

function GridTable({ grid }: { grid: Grid }) {
  return (
    <table className="border-separate border-spacing-0 text-xs" data-testid="run-grid">
      <thead>
        <tr>
          <th className="sticky left-0 bg-white px-3 py-1.5 text-left font-medium text-slate-500">Task</th>
          <th className="px-3 py-1.5 text-left font-medium text-slate-500">Duration (last runs)</th>
          {grid.runs.map((run) => (
            <th key={run.id} className="px-0.5 py-1.5">
              <Link
                href={`/runs/${run.id}`}
                title={`${shortRunId(run.id)} · v${run.planVersion} · ${run.status}`}
                aria-label={`Run ${shortRunId(run.id)}: ${run.status}`}
                className={`block size-4 rounded-full ${statusStyle(run.status).dot}`}
              />
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        <tr>
          <th className="sticky left-0 bg-white px-3 py-1 text-left font-medium text-slate-700">whole run</th>
          <td className="px-3 py-1">
            <Trend label="run" values={grid.runs.map((run) => run.durationMs)} />
          </td>
          <td colSpan={grid.runs.length} />
        </tr>
        {grid.tasks.map((key) => {
          const row = grid.cells[key] ?? {};
          return (
            <tr key={key} data-testid={`grid-row-${key}`}>
              <th className="sticky left-0 bg-white px-3 py-1 text-left font-mono font-normal text-slate-800">
                {key}
              </th>
              <td className="px-3 py-1">
                <Trend label={key} values={grid.runs.map((run) => row[run.id]?.durationMs ?? null)} />
              </td>
              {grid.runs.map((run) => {
                const cell = row[run.id];
                return (
                  <td key={run.id} className="px-0.5 py-1">
                    {cell ? (
                      <Link
                        href={`/runs/${run.id}?task=${encodeURIComponent(key)}`}
                        data-testid={`grid-cell-${key}-${run.id}`}
                        data-status={cell.status}
                        aria-label={`${key} in run ${shortRunId(run.id)}: ${cell.status}`}
                        title={`${cell.status} · ${cell.attempts} attempt${cell.attempts === 1 ? "" : "s"}${
                          cell.durationMs === null ? "" : ` · ${formatElapsed(cell.durationMs)}`
                        }`}
                        className={`block size-4 rounded-sm ${statusStyle(cell.status).bar}`}
                      />
                    ) : (
                      <span className="block size-4" title="Not in this run" />
                    )}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/**
 * A plan's history: its last runs as columns and its tasks as rows, each cell the task's status in that run,
 * linking to it (Airflow's grid view), with each task's and the whole run's durations and their median.
 */
export function PlanHistoryPage({ slug }: { slug: string }) {
  const trpc = useTRPC();
  useLiveLists();
  const grid = useQuery(trpc.runs.grid.queryOptions({ planSlug: slug, limit: 30 }));
  const plan = useQuery(trpc.plans.get.queryOptions({ slug }));
  return (
    <div className="flex min-h-0 flex-1 flex-col overflow-auto p-6">
      <div className="mb-4 flex items-center gap-2">
        <Link
          href={`/plans/${slug}`}
          className="flex items-center gap-1 text-sm text-slate-600 hover:text-slate-900"
        >
          <ChevronLeftIcon size={14} /> {plan.data?.name ?? slug}
        </Link>
        <h1 className="text-lg font-semibold">History</h1>
        {grid.data?.runs.at(-1) && (
          <StatusPill status={grid.data.runs.at(-1)?.status ?? "queued"} size="sm" />
        )}
      </div>
      {grid.isPending ? (
        <LoadingState />
      ) : grid.error ? (
        <ErrorState error={grid.error} onRetry={() => void grid.refetch()} />
      ) : grid.data.runs.length === 0 ? (
        <EmptyState title="No runs yet">Run the plan: each run becomes a column here.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white p-2">
          <GridTable grid={grid.data} />
        </div>
      )}
    </div>
  );
}
