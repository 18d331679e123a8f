import { describe, expect, it } from "vitest";
import { median, trendBars } from "./duration-trend.ts";

describe("duration trends", () => {
  it("takes the median of the known durations", () => {
    expect(median([30, null, 10, 20])).toBe(20);
    expect(median([40, 10, 20, 30])).toBe(25);
    expect(median([null, null])).toBeNull();
  });

  it("scales bars to the longest run, leaving gaps for unknown durations", () => {
    expect(trendBars([50, null, 100, 0])).toEqual([0.5, null, 1, 0]);
    expect(trendBars([0, 0])).toEqual([0, 0]);
  });
});
