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

/**
 * Deepest nesting of mappings and lists a plan document may have (the top-level mapping is level 1, so a
 * noop `result` can nest about 60 levels). Deeper values, and YAML aliases that refer to themselves, are
 * refused: every later step (storing, exporting, rendering) walks values recursively.
 */
export const MAX_NESTING_DEPTH = 64;
