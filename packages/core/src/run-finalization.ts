import type { RunStatus, TaskRunStatus } from "./types.ts";

/** Statuses in which a task run may still do something, so its run cannot end yet. */
export const OPEN_TASK_RUN_STATUSES: readonly TaskRunStatus[] = [
  "pending",
  "ready",
  "running",
  "retrying",
  "waiting",
];
/**
 * Statuses that make a run that ended `failed`. `cancelled` counts when the run itself was not cancelled (a
 * task run cancelled from its queue, or one task cancelled by an operator): not everything ran, so the run did
 * not succeed.
 */
export const FAILING_TASK_RUN_STATUSES: readonly TaskRunStatus[] = ["failed", "blocked", "cancelled"];

/**
 * When a run ends and how: nothing open left → `cancelled` if a cancel was requested, else `failed` if any
 * task run failed, was blocked or was cancelled, else `succeeded`. Null while something can still run, or when the run has
 * already ended.
 */
export function finalRunStatus(input: {
  status: RunStatus;
  anyOpen: boolean;
  anyFailing: boolean;
  cancelRequested: boolean;
}): RunStatus | null {
  if (input.anyOpen) return null;
  if (input.status === "succeeded" || input.status === "failed" || input.status === "cancelled") return null;
  if (input.cancelRequested) return "cancelled";
  return input.anyFailing ? "failed" : "succeeded";
}

/**
 * The run transitions that take a run from `current` to its final status, each with its own event. A run
 * that never had a task claimed (no tasks) passes through `running`, so every succeeded or failed run was
 * running first; a queued run can be cancelled directly.
 */
export function runStepsToFinish(current: RunStatus, final: RunStatus): [RunStatus, RunStatus][] {
  if (current === "queued" && final !== "cancelled") {
    return [
      ["queued", "running"],
      ["running", final],
    ];
  }
  return [[current, final]];
}
