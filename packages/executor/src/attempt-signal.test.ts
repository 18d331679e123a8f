import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createAttemptSignal, formatDuration, timeoutMessage } from "./attempt-signal.ts";

describe("createAttemptSignal", () => {
  it("aborts with reason timeout when the time limit passes", async () => {
    const attempt = createAttemptSignal({ timeoutMs: 20 });
    expect(attempt.stopReason).toBeNull();
    await sleep(60);
    expect(attempt.signal.aborted).toBe(true);
    expect(attempt.stopReason).toBe("timeout");
    attempt.dispose();
  });

  it("aborts with reason cancelled when the caller cancels, and the first reason stays", async () => {
    const controller = new AbortController();
    const attempt = createAttemptSignal({ timeoutMs: 20, cancel: controller.signal });
    controller.abort();
    await sleep(60);
    expect(attempt.stopReason).toBe("cancelled");
    attempt.dispose();
  });

  it("is stopped from the start when the caller's signal is already aborted", () => {
    const controller = new AbortController();
    controller.abort();
    expect(createAttemptSignal({ timeoutMs: null, cancel: controller.signal }).stopReason).toBe("cancelled");
  });

  it("does nothing after dispose", async () => {
    const controller = new AbortController();
    const attempt = createAttemptSignal({ timeoutMs: 20, cancel: controller.signal });
    attempt.dispose();
    controller.abort();
    await sleep(60);
    expect(attempt.signal.aborted).toBe(false);
  });
});

describe("timeout messages", () => {
  it("reads like `timed out after 30s`", () => {
    expect(timeoutMessage(30_000)).toBe("timed out after 30s");
    expect(formatDuration(250)).toBe("250ms");
    expect(formatDuration(1500)).toBe("1.5s");
  });
});
