import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  hasRetryLeft,
  initialMaxAttempts,
  maxAttemptsAfterLostLease,
  renewedMaxAttempts,
  statusAfterFailure,
} from "./retry-policy.ts";
import type { RetryPolicy } from "./types.ts";

const policy = (max: number): RetryPolicy => ({
  max,
  backoff: "fixed",
  delayMs: 1,
  maxDelayMs: 1,
  jitter: 0,
});

describe("retry policy", () => {
  it("gives max retries after the first attempt: max + 1 attempts in all", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), (max) => {
        const budget = initialMaxAttempts(policy(max));
        let attempts = 1;
        while (statusAfterFailure({ retryAt: 0, attempt: attempts, maxAttempts: budget }) === "retrying")
          attempts++;
        expect(attempts).toBe(max + 1);
      }),
    );
  });

  it("never retries a failure the executor marked final", () => {
    expect(statusAfterFailure({ retryAt: null, attempt: 1, maxAttempts: 5 })).toBe("failed");
    expect(hasRetryLeft(1, 5)).toBe(true);
  });

  it("renews the whole budget on operator retry, counted from the attempts made", () => {
    const renewed = renewedMaxAttempts(3, policy(2));
    expect([4, 5, 6].map((attempt) => hasRetryLeft(attempt, renewed))).toEqual([true, true, false]);
  });

  it("keeps the retries left when an attempt is lost", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 }), (attempt, budget) => {
        const maxAttempts = attempt + budget - 1;
        const left = maxAttempts - attempt;
        expect(maxAttemptsAfterLostLease(maxAttempts) - (attempt + 1)).toBe(left);
      }),
    );
  });
});
