import { describe, expect, it } from "vitest";
import { planLinks } from "./link-kinds.ts";

describe("planLinks", () => {
  it("lists every kind of link, each from the task its field names to the task that has the field", () => {
    const links = planLinks([
      { key: "a", requires: [], refers: [] },
      { key: "b", requires: ["a"], refers: [], duplicates: ["a"] },
      { key: "c", requires: [], refers: ["a"], relatesTo: ["b"] },
    ]);
    expect(links).toEqual([
      { from: "a", to: "b", kind: "requires" },
      { from: "a", to: "b", kind: "duplicates" },
      { from: "a", to: "c", kind: "refers" },
      { from: "b", to: "c", kind: "relates_to" },
    ]);
  });
});
