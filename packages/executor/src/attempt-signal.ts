/**
 * One AbortSignal per attempt that fires on whichever comes first: the task's timeout or the caller's
 * cancel. Executors hand it to whatever they wait on, and read `stopReason` afterwards to tell a timeout
 * (a failure, retryable) from a cancel (the run was cancelled) without inspecting error types.
 */
import { cancelledResult, failedResult } from "./attempt-result.ts";
import type { ExecutionRequest, ExecutionResult } from "./execution.ts";

export type StopReason = "timeout" | "cancelled";

export interface AttemptSignal {
  readonly signal: AbortSignal;
  /** Why the attempt was told to stop; null while it may run on. */
  readonly stopReason: StopReason | null;
  /** Clears the timer and the listener on the caller's signal. Call it when the attempt ends. */
  dispose(): void;
}

/** setTimeout fires at once for delays above this (2^31 − 1 ms, about 24.8 days), so longer ones are chained. */
const MAX_TIMER_MS = 2_147_483_647;

export function createAttemptSignal(options: {
  /** Time limit in ms; null means none. */
  timeoutMs: number | null;
  /** The caller's cancel signal. Default: never cancelled. */
  cancel?: AbortSignal;
}): AttemptSignal {
  const controller = new AbortController();
  let stopReason: StopReason | null = null;
  let timer: NodeJS.Timeout | null = null;

  const stop = (reason: StopReason): void => {
    if (stopReason !== null) return;
    stopReason = reason;
    const message =
      reason === "timeout" && options.timeoutMs !== null ? timeoutMessage(options.timeoutMs) : reason;
    controller.abort(new DOMException(message, reason === "timeout" ? "TimeoutError" : "AbortError"));
  };
  const onCancel = (): void => stop("cancelled");

  const armTimer = (remainingMs: number): void => {
    const delay = Math.min(Math.max(0, remainingMs), MAX_TIMER_MS);
    timer = setTimeout(() => {
      if (remainingMs > MAX_TIMER_MS) armTimer(remainingMs - MAX_TIMER_MS);
      else stop("timeout");
    }, delay);
  };

  const cancel = options.cancel;
  if (cancel?.aborted) stop("cancelled");
  else {
    cancel?.addEventListener("abort", onCancel, { once: true });
    if (options.timeoutMs !== null) armTimer(options.timeoutMs);
  }

  return {
    signal: controller.signal,
    get stopReason() {
      return stopReason;
    },
    dispose() {
      if (timer !== null) clearTimeout(timer);
      cancel?.removeEventListener("abort", onCancel);
    },
  };
}

/** `timed out after 30s`: the error text of a timed-out attempt. */
export function timeoutMessage(timeoutMs: number): string {
  return `timed out after ${formatDuration(timeoutMs)}`;
}

/** Short human form of a duration: `250ms`, `1.5s`, `30s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${Number((ms / 1000).toFixed(1))}s`;
}

/** The result for an attempt that ended because the attempt was stopped, or null if it was not. */
export function stoppedResult(
  req: ExecutionRequest,
  attempt: AttemptSignal,
  startedAt: number,
): ExecutionResult | null {
  if (attempt.stopReason === "cancelled") return cancelledResult(startedAt);
  if (attempt.stopReason === "timeout") {
    return failedResult(startedAt, "timeout", timeoutMessage(req.definition.timeoutMs ?? 0));
  }
  return null;
}
