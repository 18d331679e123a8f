import { describe, expect, it } from "vitest";
import type { GraphLink } from "./cycle-feedback.ts";
import { layeredLayout } from "./layered-layout.ts";
import { NODE_HEIGHT, NODE_WIDTH } from "./layout.ts";

const requires = (from: string, to: string): GraphLink => ({ from, to, kind: "requires" });

function overlapping(positions: Record<string, { x: number; y: number }>): string[] {
  const seen = new Map<string, string>();
  const clashes: string[] = [];
  for (const [key, { x, y }] of Object.entries(positions)) {
    // Nodes of one layer share x; rows are at least a node height apart.
    const cell = `${x}:${Math.floor(y / NODE_HEIGHT)}`;
    const other = seen.get(cell);
    if (other !== undefined) clashes.push(`${other}/${key}`);
    seen.set(cell, key);
  }
  return clashes;
}

describe("layeredLayout", () => {
  it("puts every task to the right of what it requires, refers links aside", () => {
    const positions = layeredLayout({
      keys: ["report", "fetch", "clean", "notes"],
      links: [
        requires("fetch", "clean"),
        requires("clean", "report"),
        { from: "report", to: "notes", kind: "refers" },
      ],
    });
    const x = (key: string) => positions[key]?.x ?? Number.NaN;
    expect(x("fetch")).toBe(0);
    expect(x("clean")).toBe(NODE_WIDTH + 72);
    expect(x("report")).toBeGreaterThan(x("clean"));
    expect(x("notes")).toBe(0);
  });

  it("orders a layer so that links do not cross when they need not", () => {
    // a→c and b→d, with c listed before d in the second layer but a after b in the first: swapped rows.
    const positions = layeredLayout({
      keys: ["b", "a", "c", "d"],
      links: [requires("a", "c"), requires("b", "d")],
    });
    const y = (key: string) => positions[key]?.y ?? Number.NaN;
    expect(Math.sign(y("a") - y("b"))).toBe(Math.sign(y("c") - y("d")));
  });

  it("lays out 5,000 tasks without overlaps, fast, and survives a cycle", () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `t${i}`);
    const links: GraphLink[] = [];
    for (let i = 1; i < keys.length; i++) {
      links.push(requires(`t${Math.max(0, i - 1 - ((i * 7) % 30))}`, `t${i}`));
      if (i % 3 === 0) links.push(requires(`t${Math.max(0, i - 40)}`, `t${i}`));
    }
    links.push(requires("t10", "t5"), requires("t5", "t10"));
    const started = performance.now();
    const positions = layeredLayout({ keys, links });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(Object.keys(positions)).toHaveLength(5000);
    expect(overlapping(positions)).toEqual([]);
    for (const link of links.slice(0, 200)) {
      expect(positions[link.to]?.x ?? 0).toBeGreaterThan(positions[link.from]?.x ?? 0);
    }
  });
});
