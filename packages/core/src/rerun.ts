import { ConflictError, NotFoundError } from "./errors.ts";
import { transitiveDependents } from "./graph/index.ts";
import { IllegalActionError } from "./operator-actions.ts";
import { canonicalJson } from "./plan-file/canonical-json.ts";
import { isTerminalRunStatus } from "./state-machine.ts";
import type { RunStatus, TaskDefinition, TaskRunStatus } from "./types.ts";

/** What a rerun starts from: a chosen task, or the tasks that did not succeed. */
export type RerunFrom = { task: string } | "failure";

/** A task run of the source run, as a rerun compares it with the plan's current definition. */
export interface RerunSourceTask {
  status: TaskRunStatus;
  /** The definition the source run's task run ran last. */
  definition: TaskDefinition;
}

export interface RerunPlan {
  /** Task keys whose output is taken from the source run (their task runs start `succeeded`). */
  reuse: string[];
  /** Task keys that run again, in plan order. */
  run: string[];
}

/**
 * Which tasks of the plan's current version a rerun reuses and which run again. The seeds run again: the chosen
 * task (`from: {task}`), every task that did not succeed in the source run, every task whose definition
 * changed since the source run, and every task the source run did not have. Everything downstream of a seed
 * runs again too (its input may change). Every other task reuses its source output. So a rerun from a task
 * reuses all of its upstream tasks unless one of them changed, and a rerun from failure (no chosen task)
 * reruns exactly what failed, was blocked or was cancelled, and what depends on it.
 * @throws NotFoundError when the chosen task is not in the plan; IllegalActionError when the source run has
 *   not ended; ConflictError for a rerun from failure of a run with nothing to rerun.
 */
export function planRerun(input: {
  sourceRunId: string;
  sourceStatus: RunStatus;
  tasks: readonly TaskDefinition[];
  source: ReadonlyMap<string, RerunSourceTask>;
  from: RerunFrom;
}): RerunPlan {
  const { tasks, source, from } = input;
  if (!isTerminalRunStatus(input.sourceStatus)) {
    throw new IllegalActionError(
      "rerun",
      `cannot rerun run ${input.sourceRunId}: it is ${input.sourceStatus} (wait for it to end, or cancel it)`,
    );
  }
  const seeds = new Set<string>();
  if (from !== "failure") {
    if (!tasks.some((task) => task.key === from.task)) {
      throw new NotFoundError("task in the plan's current version", from.task);
    }
    seeds.add(from.task);
  }
  for (const task of tasks) {
    const ran = source.get(task.key);
    // A task without a successful output of the same definition has nothing to reuse.
    const reusable = ran?.status === "succeeded" && canonicalJson(ran.definition) === canonicalJson(task);
    if (!reusable) seeds.add(task.key);
  }
  if (from === "failure" && seeds.size === 0) {
    throw new ConflictError(`run ${input.sourceRunId} has no failed, blocked or cancelled task to rerun`);
  }
  const edges = tasks.flatMap((task) => task.requires.map((upstream) => [upstream, task.key] as const));
  const rerun = new Set<string>();
  for (const seed of seeds) {
    rerun.add(seed);
    for (const dependent of transitiveDependents(seed, edges)) rerun.add(dependent);
  }
  return {
    reuse: tasks.filter((task) => !rerun.has(task.key)).map((task) => task.key),
    run: tasks.filter((task) => rerun.has(task.key)).map((task) => task.key),
  };
}
