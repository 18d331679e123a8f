import { parsePlanObject } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { layoutDraft } from "./draft-layout.ts";

describe("layoutDraft", () => {
  it("puts each task in the column of its requires depth, with one edge per requires link", () => {
    const plan = parsePlanObject({
      plan: "p",
      tasks: {
        a: { kind: "noop" },
        b: { kind: "noop", name: "Bee" },
        c: { kind: "noop", requires: ["a", "b"] },
        d: { kind: "noop", requires: ["c"] },
      },
    });
    const { nodes, edges } = layoutDraft(plan);
    expect(nodes.map((n) => [n.key, n.label, n.x, n.y])).toEqual([
      ["a", "a", 0, 0],
      ["b", "Bee", 0, 90],
      ["c", "c", 220, 0],
      ["d", "d", 440, 0],
    ]);
    expect(edges).toEqual([
      { from: "a", to: "c" },
      { from: "b", to: "c" },
      { from: "c", to: "d" },
    ]);
  });
});
