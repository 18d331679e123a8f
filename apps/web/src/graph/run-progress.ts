import type { RunStatus, TaskRunStatus } from "@taskloom/core";

/** Task statuses after which nothing more happens to the task in this run (short of an operator retry). */
const FINISHED: ReadonlySet<TaskRunStatus> = new Set([
  "succeeded",
  "failed",
  "cancelled",
  "blocked",
  "skipped",
]);

export function isFinishedTaskStatus(status: TaskRunStatus): boolean {
  return FINISHED.has(status);
}

export function isFinishedRunStatus(status: RunStatus): boolean {
  return status === "succeeded" || status === "failed" || status === "cancelled";
}

export interface RunProgress {
  done: number;
  total: number;
  /** 0..1 */
  ratio: number;
  counts: Partial<Record<TaskRunStatus, number>>;
}

export function runProgress(statuses: Iterable<TaskRunStatus>): RunProgress {
  const counts: Partial<Record<TaskRunStatus, number>> = {};
  let done = 0;
  let total = 0;
  for (const status of statuses) {
    total += 1;
    counts[status] = (counts[status] ?? 0) + 1;
    if (FINISHED.has(status)) done += 1;
  }
  return { done, total, ratio: total === 0 ? 0 : done / total, counts };
}

/** The order outcomes are named in a progress summary: finished first, then what is still going on. */
const SUMMARY_ORDER: readonly TaskRunStatus[] = [
  "succeeded",
  "failed",
  "blocked",
  "cancelled",
  "skipped",
  "running",
  "retrying",
  "ready",
  "pending",
];

/**
 * What the tasks of a run came to, by status: "2 succeeded · 1 failed · 1 blocked of 4". A count of finished
 * tasks ("4/4 done") would call a run whose tasks failed or never ran done.
 */
export function progressSummary(progress: Pick<RunProgress, "counts" | "total">): string {
  const parts = SUMMARY_ORDER.filter((status) => (progress.counts[status] ?? 0) > 0).map(
    (status) => `${progress.counts[status]} ${status}`,
  );
  for (const [status, count] of Object.entries(progress.counts)) {
    if (!SUMMARY_ORDER.includes(status as TaskRunStatus) && count) parts.push(`${count} ${status}`);
  }
  return parts.length === 0 ? "no tasks" : `${parts.join(" · ")} of ${progress.total}`;
}

/** Elapsed time of a run: from start to finish, or to `now` while it is still going. */
export function elapsedMs(
  run: { createdAt: number; startedAt: number | null; finishedAt: number | null },
  now: number,
): number {
  const start = run.startedAt ?? run.createdAt;
  const end = run.finishedAt ?? now;
  return Math.max(0, end - start);
}

/** `950ms`, `12.4s`, `3m 05s`, `1h 02m`: compact, and stable in width while it ticks. */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const wholeSeconds = Math.floor(seconds);
  const minutes = Math.floor(wholeSeconds / 60);
  if (minutes < 60) return `${minutes}m ${String(wholeSeconds % 60).padStart(2, "0")}s`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h ${String(minutes % 60).padStart(2, "0")}m`;
}
