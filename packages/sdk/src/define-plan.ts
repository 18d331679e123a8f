import { type PlanDefinition, PlanValidationError, validatePlanObject } from "@taskloom/core";
import { isTaskHandler } from "./define-task.ts";
import type { PlanInput } from "./plan-input.ts";

/** Marks what `definePlan` returns (`Symbol.for`, for the reason given in define-task.ts). */
const DEFINED_PLAN = Symbol.for("taskloom.sdk.defined-plan");

/** A plan defined in code: import it like a plan file (`taskloom run plan.ts`, `taskloom plan import plan.ts`). */
export interface DefinedPlan {
  readonly [DEFINED_PLAN]: true;
  readonly slug: string;
  /** The plan in plan-file form (handlers given as objects replaced by their names): what an import reads. */
  readonly document: Record<string, unknown>;
  /**
   * The definition as validation produced it, every default applied. Documents given by `path` are read
   * only when the plan is imported (relative to its module's folder), so here their text is empty.
   */
  readonly definition: PlanDefinition;
}

/**
 * A plan defined in TypeScript, the same model as a plan file, checked by the same rules: an invalid plan
 * throws the `PlanValidationError` that `taskloom validate` would print for the file, every problem with its
 * path (`tasks.resize.handler: missing required field …`).
 *
 * ```ts
 * export default definePlan({
 *   plan: "thumbnails",
 *   tasks: {
 *     list: { run: "ls photos/*.jpg" },
 *     resize: { kind: "function", handler: resize, requires: ["list"], retries: { max: 2 } },
 *   },
 * });
 * ```
 */
export function definePlan(plan: PlanInput): DefinedPlan {
  const document = planDocument(plan);
  // Document files are read at import, where the module's folder is known; here any path reads as empty.
  const outcome = validatePlanObject(document, { readDocument: () => "" });
  if (!outcome.ok) throw new PlanValidationError(outcome.issues);
  return Object.freeze({
    [DEFINED_PLAN]: true as const,
    slug: outcome.plan.slug,
    document,
    definition: outcome.plan,
  });
}

export function isDefinedPlan(value: unknown): value is DefinedPlan {
  return (
    typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[DEFINED_PLAN] === true
  );
}

/** A JSON copy of the plan with each handler object replaced by its name. */
function planDocument(plan: PlanInput): Record<string, unknown> {
  const tasks = plan !== null && typeof plan === "object" ? plan.tasks : undefined;
  const named: Record<string, unknown> = {};
  if (tasks !== null && typeof tasks === "object" && !Array.isArray(tasks)) {
    for (const [key, task] of Object.entries(tasks)) {
      const handler = (task as { handler?: unknown } | null)?.handler;
      named[key] = isTaskHandler(handler) ? { ...task, handler: handler.name } : task;
    }
  }
  const document = { ...plan, ...(tasks === undefined ? {} : { tasks: named }) } as Record<string, unknown>;
  return document;
}
