import { BadInputError } from "@taskloom/core";
import { type DefinedPlan, isDefinedPlan } from "./define-plan.ts";
import { isTaskHandler, type TaskHandler } from "./define-task.ts";

/**
 * What a tasks file or plan module exports, found the way `taskloom worker --register` and `taskloom run
 * plan.ts` find it: every export is looked at, the default one included, and an export that is a list or a
 * plain object of handlers counts too (`export default [resize, report]`, `export const all = { resize }`).
 */

/** The handlers a module exports, each once (the same handler exported twice is one). */
export function handlersExportedBy(exports: Record<string, unknown>): TaskHandler<unknown, unknown>[] {
  const found = new Set<TaskHandler<unknown, unknown>>();
  const take = (item: unknown): void => {
    if (isTaskHandler(item)) found.add(item);
  };
  for (const value of Object.values(exports)) {
    if (Array.isArray(value)) value.forEach(take);
    else if (isPlainObject(value)) Object.values(value).forEach(take);
    else take(value);
  }
  return [...found];
}

/** The one plan a module exports (`export default definePlan({…})`); a `BadInputError` for none or several. */
export function planExportedBy(exports: Record<string, unknown>, file: string): DefinedPlan {
  const plans = [...new Set(Object.values(exports).filter(isDefinedPlan))];
  const [plan] = plans;
  if (plan === undefined) {
    throw new BadInputError(`${file} exports no plan: export one with \`export default definePlan({ … })\``);
  }
  if (plans.length > 1) {
    const slugs = plans.map((each) => `\`${each.slug}\``).join(", ");
    throw new BadInputError(`${file} exports ${plans.length} plans (${slugs}): export one plan per module`);
  }
  return plan;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
