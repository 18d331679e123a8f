import { describe, expect, it } from "vitest";
import { freeSpotNear, spotAfter } from "./free-spot.ts";
import { NODE_HEIGHT, NODE_WIDTH } from "./layout.ts";

it("keeps the wanted spot when it is free", () => {
  expect(freeSpotNear({ x: 10.4, y: 20 }, [{ x: 1000, y: 1000 }])).toEqual({ x: 10, y: 20 });
});

it("moves to the nearest free grid spot when the wanted one is covered", () => {
  const spot = freeSpotNear({ x: 0, y: 0 }, [{ x: 5, y: 5 }]);
  expect(spot).not.toEqual({ x: 0, y: 0 });
  expect(Math.abs(spot.x - 5) >= NODE_WIDTH || Math.abs(spot.y - 5) >= NODE_HEIGHT).toBe(true);
});

describe("a new task that requires others", () => {
  it("lands to the right of the rightmost, at their average height", () => {
    const spot = spotAfter([
      { x: 0, y: 0 },
      { x: 300, y: 100 },
    ]);
    expect(spot?.y).toBe(50);
    expect(spot?.x).toBeGreaterThan(300 + NODE_WIDTH);
    expect(spotAfter([])).toBeNull();
  });
});
