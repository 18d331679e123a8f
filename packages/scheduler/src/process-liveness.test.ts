import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { isProcessAlive } from "./process-liveness.ts";

describe("isProcessAlive", () => {
  it("is true for a process that was already running at `since`", () => {
    expect(isProcessAlive(process.pid, Date.now())).toBe(true);
  });

  it("is false for a pid whose process started after `since` (a reused pid)", () => {
    // This process started well before now; asked about an older registration, it is someone else.
    expect(isProcessAlive(process.pid, Date.now() - 24 * 3600_000)).toBe(false);
  });

  it("is false once the process is gone", async () => {
    const child = spawn("sh", ["-c", "exit 0"], { stdio: "ignore" });
    const pid = child.pid ?? 0;
    await new Promise((resolve) => child.once("close", resolve));
    expect(isProcessAlive(pid, Date.now())).toBe(false);
  });
});
