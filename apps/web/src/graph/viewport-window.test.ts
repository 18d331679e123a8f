import { describe, expect, it } from "vitest";
import { NODE_HEIGHT, NODE_WIDTH } from "./layout.ts";
import {
  createNodeIndex,
  firstOfWindow,
  grow,
  viewRect,
  windowIsStale,
  windowOf,
} from "./viewport-window.ts";

const grid = Array.from({ length: 400 }, (_, i) => ({
  id: `t${i}`,
  position: { x: (i % 20) * 300, y: Math.floor(i / 20) * 100 },
}));
const graphOf = (edges: { source: string; target: string }[]) => ({
  nodes: grid,
  edges,
  index: createNodeIndex(grid),
  byId: new Map(grid.map((node) => [node.id, node])),
});

describe("the nodes index", () => {
  const index = createNodeIndex(grid);

  it("finds the nodes overlapping a rectangle, as a scan of all would", () => {
    const rect = { x: 250, y: 50, width: 1000, height: 420 };
    const scanned = grid.filter(
      ({ position: p }) =>
        p.x < rect.x + rect.width &&
        p.x + NODE_WIDTH > rect.x &&
        p.y < rect.y + rect.height &&
        p.y + NODE_HEIGHT > rect.y,
    );
    expect(new Set(index.inRect(rect))).toEqual(new Set(scanned));
    expect(scanned.length).toBeGreaterThan(10);
  });

  it("counts up to a limit, and finds everything when zoomed far out", () => {
    const everything = viewRect([0, 0, 0.01], 1280, 800);
    expect(index.inRect(everything)).toHaveLength(400);
    expect(index.countInRect(everything, 161)).toBe(161);
    expect(index.countInRect({ x: -5000, y: -5000, width: 10, height: 10 }, 161)).toBe(0);
  });
});

describe("the window React Flow is given", () => {
  it("holds the nodes around the view, edges crossing it with both their ends, and kept nodes", () => {
    // A long edge from the first node of row 0 to the last node of row 30, crossing far outside the window.
    const edges = [
      { source: "t0", target: "t1" },
      { source: "t0", target: "t399" },
      { source: "t398", target: "t399" },
    ];
    const view = viewRect([0, 0, 1], 600, 200);
    const window = windowOf(graphOf(edges), grow(view, 0.5), (node) => node.id === "t250");
    const ids = window.nodes.map((node) => node.id);
    expect(ids).toContain("t0");
    expect(ids).toContain("t1");
    // The far end of an edge in view, and the kept node.
    expect(ids).toContain("t399");
    expect(ids).toContain("t250");
    expect(ids).not.toContain("t398");
    expect(window.edges).toEqual(edges.slice(0, 2));
    // Plan order.
    expect(ids).toEqual([...ids].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
    expect(ids.length).toBeLessThan(30);
  });

  it("is recomputed when the view leaves it or zooms far into it", () => {
    const view = viewRect([0, 0, 1], 1000, 500);
    const current = grow(view, 0.5);
    expect(windowIsStale(null, view)).toBe(true);
    expect(windowIsStale(current, view)).toBe(false);
    expect(windowIsStale(current, viewRect([-400, 0, 1], 1000, 500))).toBe(false);
    expect(windowIsStale(current, viewRect([-800, 0, 1], 1000, 500))).toBe(true);
    expect(windowIsStale(current, viewRect([0, 0, 4], 1000, 500))).toBe(true);
  });
});

describe("a window mounted in steps", () => {
  const edges = [
    { source: "t0", target: "t1" },
    { source: "t1", target: "t250" },
  ];
  const view = viewRect([0, 0, 1], 600, 200);
  const whole = windowOf(graphOf(edges), grow(view, 2), () => false);

  it("mounts the nodes in view first, then those of the margin, with only the edges between mounted nodes", () => {
    const inView = whole.nodes.filter((node) => node.position.x < 600 && node.position.y < 200);
    expect(whole.nodes.length).toBeGreaterThan(inView.length + 10);
    const first = firstOfWindow(whole, view, inView.length);
    expect(new Set(first.nodes)).toEqual(new Set(inView));
    expect(first.edges).toEqual([{ source: "t0", target: "t1" }]);
    const more = firstOfWindow(whole, view, inView.length + 10);
    expect(more.nodes).toHaveLength(inView.length + 10);
    expect(more.nodes).toEqual(whole.nodes.filter((node) => more.nodes.includes(node)));
  });

  it("is the whole window once the limit reaches its size", () => {
    expect(firstOfWindow(whole, view, whole.nodes.length)).toBe(whole);
  });
});
