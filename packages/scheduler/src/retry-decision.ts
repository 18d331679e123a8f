import {
  type AttemptOutcome,
  type ClaimedTaskRun,
  type ExecutionResult,
  hasRetryLeft,
  retryDelayMs,
} from "@taskloom/core";

/**
 * Turns an executor report into the outcome the store records. A failure gets a `retryAt` when the task has
 * attempts left; a cancel never retries. `now` and `random` are injected so the schedule is reproducible.
 */
export function decideOutcome(
  claimed: ClaimedTaskRun,
  report: ExecutionResult,
  now: number,
  random: () => number,
): AttemptOutcome {
  if (report.status === "succeeded") {
    return {
      status: "succeeded",
      exitCode: report.exitCode,
      outputText: report.outputText,
      outputJson: report.outputJson,
    };
  }
  if (report.status === "cancelled") {
    return { status: "cancelled", exitCode: report.exitCode, error: report.error };
  }
  const retryAt = hasRetryLeft(claimed.attempt, claimed.maxAttempts)
    ? now + retryDelayMs(claimed.definition.retry, claimed.attempt, random)
    : null;
  return {
    status: "failed",
    exitCode: report.exitCode,
    error: report.error ?? "failed",
    reason: report.reason ?? "error",
    retryAt,
  };
}
