import {
  BadInputError,
  type FunctionHandler,
  type FunctionTaskDefinition,
  handlerNameProblem,
  type ParamValue,
} from "@taskloom/core";

/**
 * Marks what `defineTask` returns. `Symbol.for`, not a module-local symbol, so that a worker recognises the
 * handlers of a tasks file that loaded another copy of this package.
 */
const TASK_HANDLER = Symbol.for("taskloom.sdk.task-handler");

/** A named handler: pass it to a worker (`taskloom worker --register FILE`, or `createWorker({ handlers })`). */
export interface TaskHandler<Input = Record<string, ParamValue>, Output = unknown>
  extends FunctionTaskDefinition<Input, Output> {
  readonly [TASK_HANDLER]: true;
}

/**
 * Defines the handler of `kind: function` tasks that say `handler: <name>`. It is called with the task's
 * input (its `input:` with templates rendered, or else its params) and a context (params, upstream outputs,
 * a logger, an abort signal, `heartbeat()`); what it returns (JSON) is the task's output, and what it throws
 * fails the attempt with the error's message (the task's `retries` apply). A name that cannot name a handler
 * (see `HANDLER_NAME_PATTERN`) is a `BadInputError` here, at definition.
 *
 * ```ts
 * export const resize = defineTask("resize", async (input: { path: string; width: number }, ctx) => {
 *   ctx.log.info("resizing %s", input.path);
 *   return { path: await resizeImage(input.path, input.width, { signal: ctx.signal }) };
 * });
 * ```
 */
export function defineTask<Input = Record<string, ParamValue>, Output = unknown>(
  name: string,
  run: FunctionHandler<Input, Output>,
): TaskHandler<Input, Output> {
  const problem = handlerNameProblem(name);
  if (problem !== null) throw new BadInputError(problem);
  if (typeof run !== "function") throw new BadInputError(`defineTask("${name}", …) needs a function to run`);
  return Object.freeze({ [TASK_HANDLER]: true as const, name, run });
}

export function isTaskHandler(value: unknown): value is TaskHandler<unknown, unknown> {
  return (
    typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[TASK_HANDLER] === true
  );
}
