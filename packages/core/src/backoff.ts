import type { RetryPolicy } from "./types.ts";

/**
 * Delay before retry number `attempt` (the attempt that just failed, counting from 1).
 * `exponential`: delay × 2^(attempt−1); `fixed`: delay. Capped at `maxDelayMs`, then `jitter` of it is
 * randomised away. `random` is injected (returns [0, 1)) so that tests and replays are deterministic.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const growth = policy.backoff === "exponential" ? 2 ** Math.max(0, attempt - 1) : 1;
  const capped = Math.min(policy.delayMs * growth, policy.maxDelayMs);
  const jitter = Math.min(Math.max(policy.jitter, 0), 1);
  return Math.round(capped * (1 - jitter * random()));
}
