import { expect, it } from "vitest";
import { boundsOf } from "./graph-overview.ts";
import { NODE_HEIGHT, NODE_WIDTH } from "./layout.ts";

const grid = Array.from({ length: 100 }, (_, i) => ({
  id: `t${i}`,
  position: { x: (i % 10) * 300, y: Math.floor(i / 10) * 100 },
}));

it("bounds the nodes with their size", () => {
  expect(boundsOf(grid)).toEqual({ x: 0, y: 0, width: 2700 + NODE_WIDTH, height: 900 + NODE_HEIGHT });
});
