import type { RetryPolicy } from "./types.ts";

/**
 * Retry eligibility and the retry budget. A task run's budget is stored as `maxAttempts`: the highest
 * attempt number it may start. Attempts count from 1, so a fresh budget is the first attempt plus
 * `retry.max` retries. Stores keep the number; these functions decide what it is and what it allows.
 */

/** The budget of a task run that has made no attempt yet. */
export function initialMaxAttempts(policy: RetryPolicy): number {
  return policy.max + 1;
}

/** Whether attempt `attempt` (the one that just failed) may be followed by another one. */
export function hasRetryLeft(attempt: number, maxAttempts: number): boolean {
  return attempt < maxAttempts;
}

/**
 * Where a failed attempt goes: `retrying` when the executor's report asked for a retry (`retryAt` set: the
 * failure is retryable) and the budget allows it, otherwise `failed` for good.
 */
export function statusAfterFailure(input: {
  retryAt: number | null;
  attempt: number;
  maxAttempts: number;
}): "retrying" | "failed" {
  return input.retryAt !== null && hasRetryLeft(input.attempt, input.maxAttempts) ? "retrying" : "failed";
}

/**
 * Operator retry of a failed task run: the budget starts again from the attempts already made, so the task
 * gets its full `retry.max` retries once more (the attempt history is kept, attempt numbers keep growing).
 */
export function renewedMaxAttempts(attemptsMade: number, policy: RetryPolicy): number {
  return attemptsMade + policy.max + 1;
}

/**
 * A lease lost to a dead worker used an attempt number but not the budget: the bound moves up by one, so
 * the next attempt has exactly the retries left that the lost one had.
 */
export function maxAttemptsAfterLostLease(maxAttempts: number): number {
  return maxAttempts + 1;
}
