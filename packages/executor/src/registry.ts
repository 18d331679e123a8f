import type { TaskKind } from "@taskloom/core";
import { executeApproval } from "./approval-executor.ts";
import { errorMessage, failedResult, startTimer } from "./attempt-result.ts";
import type { ExecutionRequest, ExecutionResult, TaskExecutor } from "./execution.ts";
import { unregisteredFunctionExecutor } from "./function-executor.ts";
import { executeHttp } from "./http-executor.ts";
import { unconfiguredLlmExecutor } from "./llm-executor.ts";
import { executeNoop } from "./noop-executor.ts";
import { executeShell } from "./shell-executor.ts";

/** The built-in executor of each task kind. */
export const defaultExecutors: Readonly<Record<TaskKind, TaskExecutor>> = Object.freeze({
  shell: executeShell,
  http: executeHttp,
  noop: executeNoop,
  // Needs the engine's context service and provider: `createExecutor({ llm: createLlmExecutor(deps) })`.
  llm: unconfiguredLlmExecutor,
  // Handlers are the worker's own: `createExecutor({ function: createFunctionExecutor(handlers) })`.
  function: unregisteredFunctionExecutor,
  approval: executeApproval,
});

export interface Executor {
  /** Runs one attempt with the executor registered for its kind. Never rejects: every failure is a result. */
  execute(req: ExecutionRequest): Promise<ExecutionResult>;
}

/**
 * An executor with some kinds replaced (a fake for tests, a sandboxed shell). Kinds not overridden use
 * `defaultExecutors`. Default: no overrides.
 */
export function createExecutor(overrides: Partial<Record<TaskKind, TaskExecutor>> = {}): Executor {
  const executors: Partial<Record<string, TaskExecutor>> = { ...defaultExecutors, ...overrides };
  return {
    async execute(req) {
      const startedAt = startTimer();
      const kind: string = req.definition.kind;
      const executor = executors[kind];
      if (executor === undefined) {
        return failedResult(startedAt, "error", `no executor for task kind ${kind}`);
      }
      try {
        return await executor(req);
      } catch (error) {
        // The contract is that executors resolve; an override that throws still must not take the worker down.
        return failedResult(startedAt, "error", `executor for ${kind} tasks failed: ${errorMessage(error)}`);
      }
    },
  };
}

const defaultExecutor = createExecutor();

/** Runs one attempt with the built-in executors. Never rejects: every failure is a result. */
export function executeTask(req: ExecutionRequest): Promise<ExecutionResult> {
  return defaultExecutor.execute(req);
}
