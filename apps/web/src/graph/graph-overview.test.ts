import { expect, it } from "vitest";
import { boundsOf, countInView } from "./graph-overview.ts";
import { NODE_HEIGHT, NODE_WIDTH } from "./layout.ts";

const grid = Array.from({ length: 100 }, (_, i) => ({
  id: `t${i}`,
  position: { x: (i % 10) * 300, y: Math.floor(i / 10) * 100 },
}));

it("counts the nodes in the viewport, stopping at the limit", () => {
  // At zoom 1 from the origin, a 1000×250 view holds columns 0..3 of rows 0..2.
  expect(countInView(grid, [0, 0, 1], 1000, 250, 1000)).toBe(12);
  expect(countInView(grid, [0, 0, 1], 1000, 250, 5)).toBe(5);
  // Zoomed out to 0.1, everything is in view.
  expect(countInView(grid, [0, 0, 0.1], 1000, 250, 1000)).toBe(100);
});

it("bounds the nodes with their size", () => {
  expect(boundsOf(grid)).toEqual({ x: 0, y: 0, width: 2700 + NODE_WIDTH, height: 900 + NODE_HEIGHT });
});
