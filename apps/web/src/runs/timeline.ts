import type { TaskRunStatus } from "@taskloom/core";

export interface TimelineAttempt {
  attempt: number;
  status: string;
  startedAt: number;
  finishedAt: number | null;
}

export interface TimelineTask {
  key: string;
  status: TaskRunStatus;
  startedAt: number | null;
  finishedAt: number | null;
  attemptHistory: readonly TimelineAttempt[];
}

export interface TimelineBar {
  attempt: number;
  status: string;
  startedAt: number;
  /** Null while the attempt is still going: the bar then reaches `now`. */
  finishedAt: number | null;
  /** Offsets within the time range, 0..1. */
  left: number;
  width: number;
}

export interface TimelineRow {
  key: string;
  status: TaskRunStatus;
  bars: TimelineBar[];
}

export interface Timeline {
  start: number;
  end: number;
  rows: TimelineRow[];
}

/** Bars narrower than this still show, so a 3 ms task is visible next to a 10 minute one. */
const MIN_WIDTH = 0.004;

/**
 * The Gantt chart of a run: one row per task, one bar per attempt, over the span from the first start to
 * the last finish (or `now` while something runs). Rows are ordered by first start; unstarted tasks last,
 * in plan order.
 */
export function buildTimeline(tasks: readonly TimelineTask[], now: number): Timeline {
  const rows: (TimelineRow & { firstStart: number; order: number })[] = [];
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;

  tasks.forEach((task, order) => {
    const attempts: TimelineAttempt[] = [...task.attemptHistory];
    const last = attempts[attempts.length - 1];
    // The live stream knows a task started before a refetch brings its attempt row: show it already.
    if (
      task.status === "running" &&
      task.startedAt !== null &&
      (last === undefined || last.finishedAt !== null)
    ) {
      const startedAt = Math.max(task.startedAt, last?.finishedAt ?? 0);
      attempts.push({ attempt: (last?.attempt ?? 0) + 1, status: "running", startedAt, finishedAt: null });
    }
    let firstStart = Number.POSITIVE_INFINITY;
    for (const attempt of attempts) {
      firstStart = Math.min(firstStart, attempt.startedAt);
      start = Math.min(start, attempt.startedAt);
      end = Math.max(end, attempt.finishedAt ?? now);
    }
    rows.push({
      key: task.key,
      status: task.status,
      bars: attempts.map((attempt) => ({ ...attempt, left: 0, width: 0 })),
      firstStart,
      order,
    });
  });

  if (!Number.isFinite(start)) {
    return { start: now, end: now, rows: rows.map(({ key, status }) => ({ key, status, bars: [] })) };
  }
  const span = Math.max(1, end - start);
  rows.sort((a, b) => a.firstStart - b.firstStart || a.order - b.order);
  return {
    start,
    end,
    rows: rows.map(({ key, status, bars }) => ({
      key,
      status,
      bars: bars.map((bar) => {
        const left = (bar.startedAt - start) / span;
        const width = Math.max(MIN_WIDTH, ((bar.finishedAt ?? now) - bar.startedAt) / span);
        return { ...bar, left, width: Math.min(width, 1 - left + MIN_WIDTH) };
      }),
    })),
  };
}

/** Tick marks for the time axis: about `count` round steps (1s, 5s, 30s, 1m, ...) across the range. */
export function timelineTicks(start: number, end: number, count = 6): { at: number; offset: number }[] {
  const span = Math.max(1, end - start);
  const steps = [
    100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000,
    1_800_000, 3_600_000,
  ];
  const step = steps.find((candidate) => span / candidate <= count) ?? 7_200_000;
  const ticks: { at: number; offset: number }[] = [];
  for (let at = 0; at <= span; at += step) ticks.push({ at, offset: at / span });
  return ticks;
}
