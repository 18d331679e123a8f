import { describe, expect, it } from "vitest";
import { progressSummary, runProgress } from "./run-progress.ts";

describe("the progress of a run", () => {
  it("names outcomes instead of calling failed and blocked tasks done", () => {
    const progress = runProgress(["succeeded", "failed", "blocked", "succeeded"]);
    expect(progress.done).toBe(4);
    expect(progressSummary(progress)).toBe("2 succeeded · 1 failed · 1 blocked of 4");
  });

  it("lists what is still going on after what finished", () => {
    expect(progressSummary(runProgress(["pending", "running", "succeeded"]))).toBe(
      "1 succeeded · 1 running · 1 pending of 3",
    );
    expect(progressSummary(runProgress([]))).toBe("no tasks");
  });
});
