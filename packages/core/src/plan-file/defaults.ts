import type { RetryPolicy } from "../types.ts";

/** The retry policy a task gets when neither it nor the plan's `defaults` say otherwise. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  max: 0,
  backoff: "exponential",
  delayMs: 1_000,
  maxDelayMs: 60_000,
  jitter: 0.2,
});

/** The queue a task goes to when neither it nor the plan's `defaults` name one. */
export const DEFAULT_QUEUE = "default";

/** Longest plan slug. */
export const MAX_SLUG_LENGTH = 64;
