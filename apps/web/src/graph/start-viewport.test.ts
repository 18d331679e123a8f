import { describe, expect, it } from "vitest";
import { startViewport } from "./start-viewport.ts";

const node = (x: number, y: number) => ({ x, y, width: 200, height: 60 });

describe("the viewport a plan opens at", () => {
  it("fits a small plan, centred, never blown up past the maximum zoom", () => {
    const view = startViewport([node(0, 0), node(300, 0)], 1000, 600);
    expect(view.zoom).toBe(1.25);
    // Centred: the graph's middle (250, 30) is at the screen's middle.
    expect(250 * view.zoom + view.x).toBeCloseTo(500);
    expect(30 * view.zoom + view.y).toBeCloseTo(300);
  });

  it("keeps a big plan at the readable zoom with its start on screen", () => {
    const nodes = Array.from({ length: 40 }, (_, i) => node((i % 10) * 300, Math.floor(i / 10) * 100 + 1000));
    const view = startViewport(nodes, 1000, 600, { readableZoom: 0.8, padding: 20 });
    expect(view.zoom).toBe(0.8);
    // The leftmost node's left edge is at the padding.
    expect(0 * view.zoom + view.x).toBeCloseTo(20);
    // Every row fits vertically here (4 rows of 100 at 0.8 = 304 px): centred.
    expect(((1000 + 1360) / 2) * view.zoom + view.y).toBeCloseTo(300);
  });

  it("centres a tall plan on its start column, and leaves the bottom band free", () => {
    const nodes = Array.from({ length: 30 }, (_, i) => node(i < 3 ? 0 : 300, i * 100));
    const view = startViewport(nodes, 1000, 600, { padding: 0, bottomBand: 100 });
    expect(view.zoom).toBe(0.8);
    // The first column spans y 0..260 and is not pushed below the top of the graph.
    expect(view.y).toBeLessThanOrEqual(0);
    expect(260 * view.zoom + view.y).toBeLessThanOrEqual(500);
  });

  it("is the identity for an empty canvas", () => {
    expect(startViewport([], 1000, 600)).toEqual({ x: 0, y: 0, zoom: 1 });
  });
});
