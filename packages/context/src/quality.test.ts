import { describe, expect, it } from "vitest";
import { runContextQuality } from "../../../bench/context-quality/evaluate.ts";
import { QUALITY_PLANS } from "../../../bench/context-quality/plans.ts";

// A quality floor, not a timing: Taskloom's bundle must find the needed facts the naive baseline misses.
describe("context-quality evaluation", () => {
  it("runs on every plan and beats the naive baseline on recall within the same budget", async () => {
    const result = await runContextQuality({ budget: 1200 });
    expect(QUALITY_PLANS.length).toBeGreaterThanOrEqual(20);
    expect(result.rows).toHaveLength(QUALITY_PLANS.length);
    for (const row of result.rows) {
      expect(row.taskloom.tokens).toBeLessThanOrEqual(1200);
      expect(row.baseline.tokens).toBeLessThanOrEqual(1200);
    }
    const { taskloom, baseline } = result.totals;
    expect(taskloom.recall).toBeGreaterThanOrEqual(0.9);
    expect(taskloom.recall).toBeGreaterThan(baseline.recall + 0.3);
    expect(taskloom.precision).toBeGreaterThan(baseline.precision);
  });
});
