import type { FailureReason } from "@taskloom/core";
import type { ExecutionResult } from "./execution.ts";

/**
 * Builders for `ExecutionResult`, so every executor fills the same fields the same way. Durations come
 * from `performance.now()`: they are intervals, so a monotonic clock is right and wall-clock jumps cannot
 * make them negative.
 */

export interface AttemptOutput {
  exitCode: number | null;
  outputText: string | null;
  outputJson: string | null;
}

const NO_OUTPUT: AttemptOutput = { exitCode: null, outputText: null, outputJson: null };

/** A monotonic timestamp to measure the attempt from. */
export function startTimer(): number {
  return performance.now();
}

function elapsedMs(startedAt: number): number {
  return Math.max(0, Math.round(performance.now() - startedAt));
}

export function succeededResult(startedAt: number, output: AttemptOutput): ExecutionResult {
  return { status: "succeeded", ...output, error: null, reason: null, durationMs: elapsedMs(startedAt) };
}

export function failedResult(
  startedAt: number,
  reason: FailureReason,
  error: string,
  output: Partial<AttemptOutput> = {},
): ExecutionResult {
  return { status: "failed", ...NO_OUTPUT, ...output, error, reason, durationMs: elapsedMs(startedAt) };
}

export function cancelledResult(startedAt: number, output: Partial<AttemptOutput> = {}): ExecutionResult {
  return {
    status: "cancelled",
    ...NO_OUTPUT,
    ...output,
    error: "cancelled",
    reason: "cancelled",
    durationMs: elapsedMs(startedAt),
  };
}

/** The message of anything thrown, for an `error` field. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
