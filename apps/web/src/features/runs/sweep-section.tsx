"use client";

import { useMemo } from "react";
import { sweepProgress, sweepRows } from "../../runs/sweep-results.ts";
import type { RunDetail, RunTask } from "../../trpc/types.ts";
import { SweepResultsGrid } from "./sweep-results-grid.tsx";

/** The task panel's part for a swept task: how many points are done, and the sweep results grid. */
export function SweepSection({
  run,
  task,
  sweep,
}: {
  run: RunDetail;
  task: RunTask;
  sweep: NonNullable<RunTask["sweep"]>;
}) {
  const rows = useMemo(() => sweepRows(run.tasks, task.key), [run.tasks, task.key]);
  const progress = useMemo(() => sweepProgress(run.tasks)[task.key], [run.tasks, task.key]);
  return (
    <section aria-label="Sweep results">
      <h3 className="mb-1.5 flex items-center justify-between text-xs font-semibold tracking-wide text-slate-500 uppercase">
        Sweep
        <span className="font-normal tracking-normal normal-case" data-testid="sweep-summary">
          {sweep.pointCount === null
            ? "points are made when its itemsFrom task succeeds"
            : `${progress ?? "0/0"} points succeeded · needs ${sweep.need === "any" ? "any one" : "all"}`}
        </span>
      </h3>
      {rows.length > 0 && <SweepResultsGrid rows={rows} />}
    </section>
  );
}
