import type { TaskKind, TaskSpec } from "@taskloom/core";
import { cancelledResult, failedResult, startTimer } from "./attempt-result.ts";
import type { ExecutionRequest, ExecutionResult } from "./execution.ts";

export type Preflight<K extends TaskKind> =
  | { ok: true; startedAt: number; spec: Extract<TaskSpec, { kind: K }> }
  | { ok: false; result: ExecutionResult };

/**
 * What every kind checks before doing anything: the spec is of its kind (a definition edited by hand or a
 * registry mix-up must fail the attempt, not crash it), and the attempt was not cancelled before it began.
 */
export function preflight<K extends TaskKind>(req: ExecutionRequest, kind: K): Preflight<K> {
  const startedAt = startTimer();
  const spec = req.definition.spec;
  if (spec.kind !== kind) {
    const message = `task ${req.taskKey} is a ${kind} task but has a ${spec.kind} spec`;
    return { ok: false, result: failedResult(startedAt, "error", message) };
  }
  if (req.signal?.aborted) return { ok: false, result: cancelledResult(startedAt) };
  return { ok: true, startedAt, spec: spec as Extract<TaskSpec, { kind: K }> };
}
