import { failedResult, startTimer } from "./attempt-result.ts";
import type { ExecutionRequest, ExecutionResult } from "./execution.ts";

/**
 * Approval tasks are decided by a person, never executed: readiness parks them `waiting` without a lease, so
 * no worker claims one. This entry keeps the registry complete and says so if a store ever hands one over.
 */
export async function executeApproval(req: ExecutionRequest): Promise<ExecutionResult> {
  return failedResult(
    startTimer(),
    "error",
    `task ${req.taskKey} is an approval: it waits for a decision (taskloom approve) and is never executed`,
  );
}
