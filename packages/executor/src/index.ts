/**
 * Runs one attempt of one task: shell steps in their own process group, HTTP calls, no-ops. It knows
 * nothing of storage, leases or retries; the scheduler hands it a request and records the result.
 * `executeTask` never rejects: every failure, timeout and cancel comes back as an `ExecutionResult`.
 */
export { endAttemptsOf } from "./attempt-supervisor.ts";
export {
  DEFAULT_KILL_GRACE_MS,
  type ExecutionRequest,
  type ExecutionResult,
  type ExecutionStatus,
  type LogStream,
  type TaskExecutor,
} from "./execution.ts";
export { createFunctionExecutor, type FunctionHandlers } from "./function-executor.ts";
export { executeHttp } from "./http-executor.ts";
export {
  createLlmExecutor,
  type LlmExecutorDependencies,
  type LlmPrepared,
  type LlmPrepareRequest,
  type LlmUsageRecord,
  repairPrompt,
} from "./llm-executor.ts";
export { executeNoop } from "./noop-executor.ts";
export { OUTPUT_LIMIT_BYTES } from "./output-capture.ts";
export { createExecutor, defaultExecutors, type Executor, executeTask } from "./registry.ts";
export { paramVariableName } from "./shell-environment.ts";
export { executeShell } from "./shell-executor.ts";
