import { IllegalTransitionError } from "./errors.ts";
import type { RunStatus, TaskRunStatus } from "./types.ts";

/**
 * The one transition table for task runs. Every status change in every store goes through
 * `assertTaskRunTransition`; the SQL of the hot paths only selects rows whose current status is a legal
 * source, and the table below is what those WHERE clauses are derived from (see `taskRunSourcesOf`).
 */
export const TASK_RUN_TRANSITIONS: Readonly<Record<TaskRunStatus, readonly TaskRunStatus[]>> = {
  pending: ["ready", "blocked", "skipped", "cancelled"],
  ready: ["running", "skipped", "cancelled"],
  // running -> ready: a lease expired or a worker released its claim on shutdown.
  running: ["succeeded", "failed", "retrying", "cancelled", "ready"],
  retrying: ["ready", "running", "cancelled"],
  succeeded: [],
  // Operator moves: retry a failed task, or mark it resolved with a given output.
  failed: ["ready", "succeeded"],
  cancelled: [],
  blocked: ["succeeded", "pending", "cancelled"],
  skipped: [],
};

export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ["running", "cancelled"],
  running: ["succeeded", "failed", "cancelled"],
  succeeded: [],
  // Retrying failed tasks re-opens the run.
  failed: ["running"],
  cancelled: [],
};

export const TERMINAL_TASK_RUN_STATUSES: readonly TaskRunStatus[] = [
  "succeeded",
  "failed",
  "cancelled",
  "blocked",
  "skipped",
];

/** Statuses in which a task run may still do something on its own. */
export const OPEN_TASK_RUN_STATUSES: readonly TaskRunStatus[] = ["pending", "ready", "running", "retrying"];

export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ["succeeded", "failed", "cancelled"];

export function canTransitionTaskRun(from: TaskRunStatus, to: TaskRunStatus): boolean {
  return TASK_RUN_TRANSITIONS[from].includes(to);
}

export function assertTaskRunTransition(from: TaskRunStatus, to: TaskRunStatus): void {
  if (!canTransitionTaskRun(from, to)) throw new IllegalTransitionError("task_run", from, to);
}

export function canTransitionRun(from: RunStatus, to: RunStatus): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

export function assertRunTransition(from: RunStatus, to: RunStatus): void {
  if (!canTransitionRun(from, to)) throw new IllegalTransitionError("run", from, to);
}

/** The statuses from which `to` is reachable: used to build the WHERE clauses of status updates. */
export function taskRunSourcesOf(to: TaskRunStatus): TaskRunStatus[] {
  return (Object.keys(TASK_RUN_TRANSITIONS) as TaskRunStatus[]).filter((from) =>
    TASK_RUN_TRANSITIONS[from].includes(to),
  );
}

export function isTerminalTaskRunStatus(status: TaskRunStatus): boolean {
  return TERMINAL_TASK_RUN_STATUSES.includes(status);
}

export function isTerminalRunStatus(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}
