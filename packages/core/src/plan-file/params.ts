import { BadInputError } from "../errors.ts";
import type { ParamValue, PlanDefinition, TaskDefinition } from "../types.ts";

/** Every declared param with its default: the plan's first, then each task's in order (first wins). */
function declaredParams(plan: PlanDefinition): Map<string, ParamValue> {
  const declared = new Map<string, ParamValue>(Object.entries(plan.params));
  for (const task of plan.tasks) {
    for (const [name, value] of Object.entries(task.params))
      if (!declared.has(name)) declared.set(name, value);
  }
  return declared;
}

function coerce(name: string, text: string, declared: ParamValue): ParamValue {
  switch (typeof declared) {
    case "string":
      return text;
    case "number": {
      const value = Number(text);
      if (text.trim() === "" || !Number.isFinite(value)) {
        throw new BadInputError(`param \`${name}\` expects a number, got \`${text}\``);
      }
      return value === 0 ? 0 : value;
    }
    case "boolean": {
      const lower = text.trim().toLowerCase();
      if (lower === "true") return true;
      if (lower === "false") return false;
      throw new BadInputError(`param \`${name}\` expects true or false, got \`${text}\``);
    }
  }
}

/**
 * Turns `--param key=value` texts into typed run params. Each key must be declared in the plan's `params`
 * or in some task's `params`; the value is coerced to the type of the declared default (number: any finite
 * JS number text; boolean: `true`/`false`, any case). Returns only the given params.
 * @throws BadInputError for an unknown key or a value that does not coerce.
 */
export function resolveRunParams(
  plan: PlanDefinition,
  given: Readonly<Record<string, string>>,
): Record<string, ParamValue> {
  const declared = declaredParams(plan);
  const resolved: [string, ParamValue][] = [];
  for (const [name, text] of Object.entries(given)) {
    const declaredValue = declared.get(name);
    if (declaredValue === undefined) {
      const names = [...declared.keys()];
      throw new BadInputError(
        `unknown param \`${name}\` (declared: ${names.length === 0 ? "none" : names.join(", ")})`,
      );
    }
    resolved.push([name, coerce(name, String(text), declaredValue)]);
  }
  return Object.fromEntries(resolved);
}

/** The params a task runs with: the plan's defaults, overridden by the task's, overridden by the run's. */
export function effectiveParams(
  plan: Pick<PlanDefinition, "params">,
  task: TaskDefinition,
  runParams: Readonly<Record<string, ParamValue>>,
): Record<string, ParamValue> {
  return { ...plan.params, ...task.params, ...runParams };
}
