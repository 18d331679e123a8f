/**
 * `@taskloom/sdk`: function tasks and plans in TypeScript. `defineTask` names a handler that `kind: function`
 * tasks run; `definePlan` is a plan file as code. Start a worker with your handlers with `taskloom worker
 * --register ./tasks.ts`, or from code with `@taskloom/engine`'s `createWorker({ handlers })`.
 */
export type {
  FunctionContext,
  FunctionHandler,
  FunctionLogger,
  ParamValue,
  PlanDefinition,
  UpstreamOutput,
} from "@taskloom/core";
export { BadInputError, PlanValidationError } from "@taskloom/core";
export { type DefinedPlan, definePlan, isDefinedPlan } from "./define-plan.ts";
export { defineTask, isTaskHandler, type TaskHandler } from "./define-task.ts";
export { handlersExportedBy, planExportedBy } from "./module-exports.ts";
export type * from "./plan-input.ts";
