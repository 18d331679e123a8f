import { NotFoundError } from "./errors.ts";
import type { TaskDefinition, TaskRunStatus } from "./types.ts";

/** Which tasks a single-task replay runs, reuses and leaves out. */
export interface ReplayPlan {
  /** The one task that runs again (with the recorded snapshot). */
  run: string;
  /** Every other task that succeeded in the source run: its output is taken from there. */
  reuse: string[];
  /** Every other task, which has no output to reuse: it starts `skipped` and does not run. */
  skip: string[];
}

/**
 * A replay re-runs exactly one task of a source run and nothing else: the new run, of the plan's current
 * version, takes every other task's output from the source run where it succeeded there, and skips the
 * rest (a task that failed or was blocked there, one the source run did not have). Downstream tasks are not
 * run again either: the replay's answer stands beside the original's, it does not flow on. Tasks are in plan
 * order in each list.
 * @throws NotFoundError when the task is not in the plan's current version.
 */
export function planReplay(input: {
  taskKey: string;
  tasks: readonly TaskDefinition[];
  /** The status of each task in the source run. */
  source: ReadonlyMap<string, TaskRunStatus>;
}): ReplayPlan {
  const { taskKey, tasks, source } = input;
  if (!tasks.some((task) => task.key === taskKey)) {
    throw new NotFoundError("task in the plan's current version", taskKey);
  }
  const others = tasks.filter((task) => task.key !== taskKey).map((task) => task.key);
  return {
    run: taskKey,
    reuse: others.filter((key) => source.get(key) === "succeeded"),
    skip: others.filter((key) => source.get(key) !== "succeeded"),
  };
}
