"use client";

import type { TaskRunStatus } from "@taskloom/core";
import { statusStyle } from "../../components/status/status-style.ts";
import { useNow } from "../../components/ui/time.tsx";
import {
  elapsedMs,
  formatElapsed,
  isFinishedRunStatus,
  progressSummary,
  runProgress,
} from "../../graph/run-progress.ts";
import type { RunDetail } from "../../trpc/types.ts";

/** Bar segments, in the order they fill the bar. */
const SEGMENTS: readonly TaskRunStatus[] = [
  "succeeded",
  "failed",
  "cancelled",
  "blocked",
  "skipped",
  "running",
  "retrying",
];

/** What the tasks came to by status, elapsed time (ticking while the run goes on) and a bar of task outcomes. */
export function RunProgressHeader({
  run,
}: {
  run: Pick<RunDetail, "status" | "createdAt" | "startedAt" | "finishedAt" | "tasks">;
}) {
  const active = !isFinishedRunStatus(run.status);
  const now = useNow(250, active);
  const progress = runProgress(run.tasks.map((task) => task.status));
  const elapsed = formatElapsed(elapsedMs(run, now));
  return (
    <div
      data-testid="run-progress"
      data-done={progress.done}
      data-total={progress.total}
      className="flex items-center gap-3 text-xs text-slate-600"
    >
      <span className="font-medium text-slate-900 tabular-nums">{progressSummary(progress)}</span>
      <div
        role="progressbar"
        aria-label="Tasks finished"
        aria-valuemin={0}
        aria-valuemax={progress.total}
        aria-valuenow={progress.done}
        className="flex h-2 w-44 overflow-hidden rounded-full bg-slate-200"
      >
        {SEGMENTS.map((status) => {
          const count = progress.counts[status] ?? 0;
          if (count === 0 || progress.total === 0) return null;
          return (
            <span
              key={status}
              title={`${count} ${status}`}
              className={statusStyle(status).bar}
              style={{ width: `${(count / progress.total) * 100}%` }}
            />
          );
        })}
      </div>
      <span className="tabular-nums" title="Elapsed">
        {elapsed}
      </span>
    </div>
  );
}
