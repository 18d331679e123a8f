import { IllegalTransitionError } from "./errors.ts";
import type { RunStatus, TaskRunStatus } from "./types.ts";

/**
 * The one transition table for task runs, built from the named moves that the engine makes. Every status
 * change of every store goes through `assertTaskRunTransition` (the SQLite store's `move`, the claim and the
 * set-based readiness updates included), so a move that is not listed here throws instead of being written.
 * A store's SQL still guards each UPDATE with the row's current status, so a row that moved meanwhile (a
 * concurrent cancel, a reclaimed lease) is left alone.
 */
export const TASK_RUN_MOVES = {
  /** The last `requires` upstream succeeded (readiness counter reached 0). */
  release: { from: ["pending"], to: "ready" },
  /** An upstream failed for good: every transitive dependent still pending is blocked. */
  block: { from: ["pending"], to: "blocked" },
  /** A worker takes a lease and starts an attempt. */
  claim: { from: ["ready"], to: "running" },
  succeed: { from: ["running"], to: "succeeded" },
  /** A failed attempt with retries left waits for its backoff. */
  scheduleRetry: { from: ["running"], to: "retrying" },
  /** The backoff elapsed. */
  retryDue: { from: ["retrying"], to: "ready" },
  /** The last attempt failed, or the lost-lease cap was reached (reason `lost`). */
  fail: { from: ["running"], to: "failed" },
  /**
   * The lease was lost to a dead worker (expired, or its process is gone): the task goes back to the queue
   * without using a retry. A worker that shuts down gives its claims back the same way.
   */
  requeue: { from: ["running"], to: "ready" },
  /**
   * The run was cancelled: idle task runs at once, running ones when their worker has stopped them. Also an
   * operator's cancel of one task run, and a started point that a `need: any` sweep no longer needs.
   */
  cancel: { from: ["pending", "ready", "retrying", "running", "waiting"], to: "cancelled" },
  /** Operator retry of a failed task run. */
  operatorRetry: { from: ["failed"], to: "ready" },
  /** The failure that blocked it is being retried by an operator, or was resolved by one. */
  unblock: { from: ["blocked"], to: "pending" },
  /** Operator: mark a failed or blocked task run done with a given output; its dependents then proceed. */
  resolve: { from: ["failed", "blocked"], to: "succeeded" },
  /**
   * Operator: skip a task run that has not started; its dependents treat it as done with no output. Also a
   * point that a `need: any` sweep no longer needs once another point succeeded.
   */
  skip: { from: ["pending", "ready"], to: "skipped" },
  /** A sweep group's points succeeded (all, or one with `need: any`), or `itemsFrom` gave no item. */
  sweepSettle: { from: ["pending"], to: "succeeded" },
  /** A sweep group's `itemsFrom` upstream did not output a JSON array (reason `sweep_items`). */
  sweepInvalid: { from: ["pending"], to: "failed" },
  /**
   * Operator retry of a sweep that failed with `sweep_items`: the group waits again for its `itemsFrom`
   * upstream, which runs again (`sweepSourceRetry`), and expands from that upstream's new output.
   */
  sweepRetry: { from: ["failed"], to: "pending" },
  /**
   * The `itemsFrom` upstream of such a sweep runs again, with a renewed retry budget: the one way a task run
   * that succeeded (or was skipped) runs again in the same run, and only by an operator's retry of the sweep.
   */
  sweepSourceRetry: { from: ["succeeded", "skipped"], to: "ready" },
  /** A rerun starts with the task runs it reuses already done, with the source run's outputs. */
  reuse: { from: ["pending", "ready", "waiting"], to: "succeeded" },
  /**
   * An approval task becomes runnable: instead of `ready` it waits for a person, with no lease. Readiness
   * parks it straight from `pending` (or at run creation); an operator retry of a rejected one goes through
   * `ready`.
   */
  park: { from: ["pending", "ready"], to: "waiting" },
  /** A person (or the approval's timeout, `onTimeout: approve`) approved: the form values are its output. */
  approve: { from: ["waiting"], to: "succeeded" },
  /** A person (or the timeout) rejected: the task fails with reason `rejected`, blocking its dependents. */
  reject: { from: ["waiting"], to: "failed" },
} as const satisfies Record<string, { from: readonly TaskRunStatus[]; to: TaskRunStatus }>;

export type TaskRunMove = keyof typeof TASK_RUN_MOVES;

export const TASK_RUN_TRANSITIONS: Readonly<Record<TaskRunStatus, readonly TaskRunStatus[]>> = (() => {
  const table: Record<TaskRunStatus, TaskRunStatus[]> = {
    pending: [],
    ready: [],
    running: [],
    retrying: [],
    succeeded: [],
    failed: [],
    cancelled: [],
    blocked: [],
    skipped: [],
    waiting: [],
  };
  for (const move of Object.values(TASK_RUN_MOVES)) {
    for (const from of move.from) if (!table[from].includes(move.to)) table[from].push(move.to);
  }
  return table;
})();

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

export function isTerminalTaskRunStatus(status: TaskRunStatus): boolean {
  return TERMINAL_TASK_RUN_STATUSES.includes(status);
}

export function isTerminalRunStatus(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}
