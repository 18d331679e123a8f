import { describe, expect, it } from "vitest";
import { seededRandom } from "./seeded-random.ts";

describe("seededRandom", () => {
  it("replays the same sequence for a seed, a different one for another, always in [0, 1)", () => {
    const draw = (seed: number) => Array.from({ length: 1000 }, seededRandom(seed));
    expect(draw(8)).toEqual(draw(8));
    expect(draw(8)).not.toEqual(draw(9));
    expect(draw(8).every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(draw(8)).size).toBe(1000);
  });
});
