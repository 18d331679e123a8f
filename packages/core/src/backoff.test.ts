import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./backoff.ts";
import type { RetryPolicy } from "./types.ts";

const policy: RetryPolicy = { max: 5, backoff: "exponential", delayMs: 500, maxDelayMs: 3000, jitter: 0.5 };

describe("retryDelayMs", () => {
  it("doubles from the base delay and caps at the max delay", () => {
    const none = () => 0;
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(policy, attempt, none))).toEqual([
      500, 1000, 2000, 3000, 3000,
    ]);
  });

  it("randomises away at most the jitter fraction", () => {
    expect(retryDelayMs(policy, 2, () => 0.999999)).toBe(500);
    expect(retryDelayMs(policy, 2, () => 0.5)).toBe(750);
  });

  it("keeps a fixed delay fixed", () => {
    expect(retryDelayMs({ ...policy, backoff: "fixed", jitter: 0 }, 4, () => 0.3)).toBe(500);
  });
});
