import { type EventRecord, TASK_RUN_STATUSES } from "@taskloom/core";
import { formatElapsed, type Palette } from "../format.ts";
import type { RunProgress, TaskProgress } from "./run-progress.ts";

export interface ProgressRenderer {
  event(event: EventRecord): void;
  /** Called when the run ended; leaves the terminal clean. */
  finish(): void;
  note(text: string): void;
}

/**
 * Runs with more tasks than this print a summary line every few seconds instead of a line per state change
 * (without a terminal), and only failures and retries above the live block (on a terminal): past a few
 * hundred tasks nobody reads every transition, and writing them cost more than running noop tasks.
 */
export const LINE_PER_CHANGE_MAX_TASKS = 300;

export interface PlainRendererOptions {
  /** How often a large run prints its summary line, in ms. Default 2000. */
  summaryEveryMs?: number;
  /** Default `Date.now`. */
  now?: () => number;
}

/** Statuses that always get their own line: someone has to look at them (a waiting approval, a person). */
const ALWAYS_SHOWN = new Set(["failed", "retrying", "waiting"]);
/** Statuses that get their own line above the live block of a small run. */
const SHOWN_ON_TTY = new Set(["failed", "retrying", "blocked", "cancelled", "waiting"]);

function describe(task: TaskProgress, event: EventRecord, colors: Palette): string {
  const status =
    task.status === "succeeded"
      ? colors.green(task.status)
      : task.status === "failed" || task.status === "blocked"
        ? colors.red(task.status)
        : task.status === "retrying"
          ? colors.yellow(task.status)
          : task.status;
  const detail: string[] = [];
  if (task.status === "running" && task.attempt > 1) detail.push(`attempt ${task.attempt}`);
  if (task.status === "waiting")
    detail.push(`decide with: taskloom approve ${event.runId} ${task.key} [--reject]`);
  const error = event.data?.error;
  if (typeof error === "string" && task.status !== "running") detail.push(error);
  const retryAt = event.data?.retryAt;
  if (typeof retryAt === "number")
    detail.push(`retry in ${formatElapsed(Math.max(0, retryAt - event.createdAt))}`);
  return `${task.key} ${status}${detail.length ? colors.dim(` (${detail.join("; ")})`) : ""}`;
}

/** `64 running, 4936 succeeded, 2 failed`: every status with task runs, in state-machine order. */
export function summarize(progress: RunProgress): string {
  const parts: string[] = [];
  for (const status of TASK_RUN_STATUSES) {
    const count = progress.counts.get(status);
    if (count) parts.push(`${count} ${status}`);
  }
  return parts.join(", ");
}

const clockTime = (ms: number) => new Date(ms).toISOString().slice(11, 23);

/**
 * Without a terminal, nothing is redrawn. A small run prints one timestamped line per state change; a large
 * one (more than LINE_PER_CHANGE_MAX_TASKS) prints a summary line every `summaryEveryMs` while something
 * changed, every failure and retry as it happens, and a last summary when the run ends.
 */
export function plainRenderer(
  progress: RunProgress,
  out: NodeJS.WritableStream,
  colors: Palette,
  options: PlainRendererOptions = {},
): ProgressRenderer {
  const now = options.now ?? Date.now;
  const linePerChange = progress.total <= LINE_PER_CHANGE_MAX_TASKS;
  const prefix = (at: number) => `${clockTime(at)}  [${progress.done}/${progress.total}]`;
  let changed = false;
  const summary = () => {
    if (!changed) return;
    changed = false;
    out.write(`${prefix(now())} ${summarize(progress)}\n`);
  };
  const timer = linePerChange ? null : setInterval(summary, options.summaryEveryMs ?? 2000);
  timer?.unref();
  return {
    event(event) {
      const task = progress.apply(event);
      if (!task) return;
      changed = true;
      if (linePerChange || ALWAYS_SHOWN.has(task.status)) {
        out.write(`${prefix(event.createdAt)} ${describe(task, event, colors)}\n`);
      }
    },
    finish() {
      if (timer) clearInterval(timer);
      if (!linePerChange) summary();
    },
    note(text) {
      out.write(`${text}\n`);
    },
  };
}

const BAR_WIDTH = 24;
const RUNNING_SHOWN = 12;

/**
 * On a terminal: a live block (bar, done/total, elapsed, the running tasks with their elapsed time) redrawn
 * ten times a second, with failures and retries (and, in a small run, blocked and cancelled tasks) printed
 * above it. Events only update the counts; all output happens at the redraw, so a burst of thousands of
 * events costs one write.
 */
export function ttyRenderer(
  progress: RunProgress,
  out: NodeJS.WriteStream,
  colors: Palette,
  title: string,
  now: () => number,
): ProgressRenderer {
  const shown = progress.total <= LINE_PER_CHANGE_MAX_TASKS ? SHOWN_ON_TTY : ALWAYS_SHOWN;
  let above: string[] = [];
  let drawnLines = 0;
  const draw = () => {
    const done = progress.done;
    const filled = progress.total === 0 ? BAR_WIDTH : Math.round((done / progress.total) * BAR_WIDTH);
    const bar = `${colors.green("█".repeat(filled))}${colors.dim("░".repeat(BAR_WIDTH - filled))}`;
    const lines = [
      `${colors.bold(title)}  ${bar}  ${done}/${progress.total}  ${formatElapsed(now() - progress.startedAt)}`,
    ];
    const width = Math.max(20, (out.columns ?? 80) - 4);
    for (const task of progress.running().slice(0, RUNNING_SHOWN)) {
      const elapsed = task.runningSince === null ? "" : formatElapsed(now() - task.runningSince);
      lines.push(`  ${colors.yellow("▸")} ${task.key}  ${colors.dim(elapsed)}`.slice(0, width + 20));
    }
    const more = progress.runningCount - RUNNING_SHOWN;
    if (more > 0) lines.push(colors.dim(`  … and ${more} more running`));
    const clear = drawnLines > 0 ? `\u001b[${drawnLines}F\u001b[J` : "";
    const printed = above.length > 0 ? `${above.join("\n")}\n` : "";
    above = [];
    out.write(`${clear}${printed}${lines.join("\n")}\n`);
    drawnLines = lines.length;
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  draw();
  return {
    event(event) {
      const task = progress.apply(event);
      if (task && shown.has(task.status)) above.push(`${colors.red("✗")} ${describe(task, event, colors)}`);
    },
    finish() {
      clearInterval(timer);
      draw();
    },
    note(text) {
      above.push(text);
      draw();
    },
  };
}
