import type { EventRecord } from "@taskloom/core";
import { formatElapsed, type Palette } from "../format.ts";
import type { RunProgress, TaskProgress } from "./run-progress.ts";

export interface ProgressRenderer {
  event(event: EventRecord): void;
  /** Called when the run ended; leaves the terminal clean. */
  finish(): void;
  note(text: string): void;
}

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
  const error = event.data?.error;
  if (typeof error === "string" && task.status !== "running") detail.push(error);
  const retryAt = event.data?.retryAt;
  if (typeof retryAt === "number")
    detail.push(`retry in ${formatElapsed(Math.max(0, retryAt - event.createdAt))}`);
  return `${task.key} ${status}${detail.length ? colors.dim(` (${detail.join("; ")})`) : ""}`;
}

/** Without a terminal: one plain line per state change, timestamped, nothing redrawn. */
export function plainRenderer(
  progress: RunProgress,
  out: NodeJS.WritableStream,
  colors: Palette,
): ProgressRenderer {
  return {
    event(event) {
      const task = progress.apply(event);
      const time = new Date(event.createdAt).toISOString().slice(11, 23);
      if (task) out.write(`${time}  [${progress.done}/${progress.total}] ${describe(task, event, colors)}\n`);
    },
    finish() {},
    note(text) {
      out.write(`${text}\n`);
    },
  };
}

const BAR_WIDTH = 24;

/**
 * On a terminal: a live block (bar, done/total, elapsed, the running tasks with their elapsed time) redrawn
 * ten times a second, with failures and retries printed above it as they happen.
 */
export function ttyRenderer(
  progress: RunProgress,
  out: NodeJS.WriteStream,
  colors: Palette,
  title: string,
  now: () => number,
): ProgressRenderer {
  let drawnLines = 0;
  const clear = () => {
    if (drawnLines > 0) out.write(`\u001b[${drawnLines}F\u001b[J`);
    drawnLines = 0;
  };
  const draw = () => {
    clear();
    const done = progress.done;
    const filled = progress.total === 0 ? BAR_WIDTH : Math.round((done / progress.total) * BAR_WIDTH);
    const bar = `${colors.green("█".repeat(filled))}${colors.dim("░".repeat(BAR_WIDTH - filled))}`;
    const lines = [
      `${colors.bold(title)}  ${bar}  ${done}/${progress.total}  ${formatElapsed(now() - progress.startedAt)}`,
    ];
    const running = progress.running();
    const width = Math.max(20, (out.columns ?? 80) - 4);
    for (const task of running.slice(0, 12)) {
      const elapsed = task.runningSince === null ? "" : formatElapsed(now() - task.runningSince);
      lines.push(`  ${colors.yellow("▸")} ${task.key}  ${colors.dim(elapsed)}`.slice(0, width + 20));
    }
    if (running.length > 12) lines.push(colors.dim(`  … and ${running.length - 12} more running`));
    out.write(`${lines.join("\n")}\n`);
    drawnLines = lines.length;
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  draw();
  return {
    event(event) {
      const task = progress.apply(event);
      if (task && ["failed", "retrying", "blocked", "cancelled"].includes(task.status)) {
        clear();
        out.write(`${colors.red("✗")} ${describe(task, event, colors)}\n`);
        draw();
      }
    },
    finish() {
      clearInterval(timer);
      draw();
    },
    note(text) {
      clear();
      out.write(`${text}\n`);
      draw();
    },
  };
}
