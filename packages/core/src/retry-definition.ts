import { canonicalJson, effectiveParams } from "./plan-file/index.ts";
import type { RetryDefinition } from "./ports.ts";
import type { ParamValue, TaskDefinition } from "./types.ts";

/**
 * Which definition an operator retry runs, shared by every store so that they decide alike: the plan's
 * current definition of the task by default (a fix saved after the failure is what runs), falling back to the
 * copy frozen in the run's graph when the task is gone from the plan or the operator asks for it.
 */
export interface RetryDefinitionInput {
  choice: RetryDefinition;
  /** The plan's current definition of the task, with the plan's params and version; undefined when the task left the plan. */
  current: { task: TaskDefinition; planParams: Record<string, ParamValue>; planVersion: number } | undefined;
  /** The task and plan params frozen in the run's graph at run creation. */
  frozen: { task: TaskDefinition; planParams: Record<string, ParamValue> };
  /** What the task run holds now, and the plan version it came from. */
  held: { task: TaskDefinition; version: number };
  /** The run's plan version (what a frozen copy is reported as). */
  runPlanVersion: number;
  runParams: Record<string, ParamValue>;
}

export interface RetryDefinitionDecision {
  /** What was used: `current` only when the plan still has the task and it was asked for. */
  used: RetryDefinition;
  /** The definition the retry runs. */
  definition: TaskDefinition;
  /**
   * Set when the task run must change: stamp `held` (with `stampVersion`) on the attempts that ran it, then
   * store `definition` with `specVersion` (null = the run's own frozen copy) and the recomputed params.
   */
  change: { stampVersion: number; specVersion: number | null; params: Record<string, ParamValue> } | null;
  /** The versions the retry event reports. */
  fromVersion: number;
  toVersion: number;
}

export function decideRetryDefinition(input: RetryDefinitionInput): RetryDefinitionDecision {
  const current = input.choice === "current" ? input.current : undefined;
  const chosen = current ?? input.frozen;
  const specVersion = current ? current.planVersion : null;
  const fromVersion = input.held.version;
  if (canonicalJson(chosen.task) === canonicalJson(input.held.task)) {
    return {
      used: current ? "current" : "frozen",
      definition: input.held.task,
      change: null,
      fromVersion,
      toVersion: fromVersion,
    };
  }
  return {
    used: current ? "current" : "frozen",
    definition: chosen.task,
    change: {
      stampVersion: fromVersion,
      specVersion,
      params: effectiveParams({ params: chosen.planParams }, chosen.task, input.runParams),
    },
    fromVersion,
    toVersion: specVersion ?? input.runPlanVersion,
  };
}
