import type { ClaimedTaskRun, ExecutionResult, RetryPolicy } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { decideOutcome } from "./retry-decision.ts";

const retry: RetryPolicy = { max: 2, backoff: "exponential", delayMs: 1000, maxDelayMs: 3000, jitter: 0 };

function claimed(attempt: number, maxAttempts = 3): ClaimedTaskRun {
  return {
    id: 1,
    runId: "run_1",
    planSlug: "p",
    baseDir: null,
    taskKey: "t",
    attempt,
    maxAttempts,
    definition: {
      key: "t",
      name: "t",
      kind: "noop",
      spec: { kind: "noop", output: null },
      params: {},
      requires: [],
      refers: [],
      priority: 0,
      queue: "default",
      retry,
      timeoutMs: null,
      output: "text",
    },
    params: {},
    upstream: {},
    leaseExpiresAt: 0,
  };
}

const failed: ExecutionResult = {
  status: "failed",
  exitCode: 2,
  outputText: null,
  outputJson: null,
  error: "exit code 2",
  reason: "exit_code",
  durationMs: 5,
};

describe("decideOutcome", () => {
  it("schedules a retry with exponential backoff while attempts are left", () => {
    expect(decideOutcome(claimed(1), failed, 10_000, () => 0)).toMatchObject({
      status: "failed",
      retryAt: 11_000,
    });
    expect(decideOutcome(claimed(2), failed, 10_000, () => 0)).toMatchObject({ retryAt: 12_000 });
  });

  it("makes the last failure final", () => {
    expect(decideOutcome(claimed(3), failed, 10_000, () => 0)).toMatchObject({
      status: "failed",
      retryAt: null,
    });
  });

  it("never retries a cancelled attempt and keeps a success's output", () => {
    const cancelled = decideOutcome(
      claimed(1),
      { ...failed, status: "cancelled", reason: "cancelled" },
      0,
      () => 0,
    );
    expect(cancelled.status).toBe("cancelled");
    const ok = decideOutcome(
      claimed(1),
      {
        status: "succeeded",
        exitCode: 0,
        outputText: "hi",
        outputJson: null,
        error: null,
        reason: null,
        durationMs: 1,
      },
      0,
      () => 0,
    );
    expect(ok).toEqual({ status: "succeeded", exitCode: 0, outputText: "hi", outputJson: null });
  });
});
