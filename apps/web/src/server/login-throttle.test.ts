import { describe, expect, it } from "vitest";
import { LoginThrottle } from "./login-throttle.ts";

function throttle() {
  let now = 1_000_000;
  const limiter = new LoginThrottle({ now: () => now });
  return { limiter, advance: (ms: number) => (now += ms) };
}

describe("login throttle", () => {
  it("locks a peer out after 5 failures in a minute, and doubles the lockout each time", () => {
    const { limiter, advance } = throttle();
    for (let attempt = 0; attempt < 4; attempt++) limiter.recordFailure("10.0.0.9");
    expect(limiter.retryAfterMs("10.0.0.9")).toBe(0);
    limiter.recordFailure("10.0.0.9");
    expect(limiter.retryAfterMs("10.0.0.9")).toBe(60_000);
    // Another peer is not affected.
    expect(limiter.retryAfterMs("10.0.0.10")).toBe(0);
    advance(60_000);
    expect(limiter.retryAfterMs("10.0.0.9")).toBe(0);
    for (let attempt = 0; attempt < 5; attempt++) limiter.recordFailure("10.0.0.9");
    expect(limiter.retryAfterMs("10.0.0.9")).toBe(120_000);
  });

  it("forgets failures older than the window and clears a peer on success", () => {
    const { limiter, advance } = throttle();
    for (let attempt = 0; attempt < 4; attempt++) limiter.recordFailure("p");
    advance(61_000);
    limiter.recordFailure("p");
    expect(limiter.retryAfterMs("p")).toBe(0);
    for (let attempt = 0; attempt < 3; attempt++) limiter.recordFailure("p");
    limiter.recordSuccess("p");
    limiter.recordFailure("p");
    expect(limiter.retryAfterMs("p")).toBe(0);
  });

  it("caps the lockout", () => {
    const { limiter, advance } = throttle();
    for (let round = 0; round < 8; round++) {
      for (let attempt = 0; attempt < 5; attempt++) limiter.recordFailure("p");
      advance(limiter.retryAfterMs("p"));
    }
    for (let attempt = 0; attempt < 5; attempt++) limiter.recordFailure("p");
    expect(limiter.retryAfterMs("p")).toBe(15 * 60_000);
  });
});
