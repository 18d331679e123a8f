import { describe, expect, it } from "vitest";
import { budgetMeter, type ContextItem, groupByTier, steeringOf } from "./context-view.ts";

function item(ref: string, tier: ContextItem["tier"], tokens: number): ContextItem {
  return {
    ref,
    tier,
    type: "document",
    title: ref,
    source: tier,
    tokens,
    fullTokens: tokens,
    decision: tokens > 0 ? "full" : "dropped",
    reason: "",
    text: "",
  };
}

describe("groupByTier", () => {
  it("groups by tier in allocation order, keeps prompt order inside a group, and sums tokens", () => {
    const groups = groupByTier([
      item("note:a", "note", 5),
      item("doc:spec", "pinned", 40),
      item("task:x", "requires", 30),
      item("task:y", "requires", 0),
      item("index", "index", 10),
    ]);
    expect(groups.map((g) => [g.label, g.items.map((i) => i.ref), g.tokens])).toEqual([
      ["Pinned", ["doc:spec"], 40],
      ["INDEX", ["index"], 10],
      ["Required upstreams", ["task:x", "task:y"], 30],
      ["Notes", ["note:a"], 5],
    ]);
    expect(groupByTier([])).toEqual([]);
  });
});

describe("budgetMeter", () => {
  it("says used of budget, and warns near and at the budget", () => {
    expect(budgetMeter(300, 1500)).toEqual({ percent: 20, level: "ok", label: "300 / 1,500 tokens" });
    expect(budgetMeter(1300, 1500).level).toBe("high");
    expect(budgetMeter(1500, 1500)).toMatchObject({ percent: 100, level: "full" });
    expect(budgetMeter(0, 0)).toMatchObject({ percent: 100, level: "full", label: "0 / 0 tokens" });
  });
});

describe("steeringOf", () => {
  const state = {
    overrides: [
      { ref: "doc:a", action: "pin" as const },
      { ref: "doc:b", action: "exclude" as const },
    ],
    planFile: { pin: ["doc:file-pin"], exclude: ["doc:file-out"] },
  };
  it("offers exclude and unpin for a person's pin, pin and unpin for their exclude", () => {
    expect(steeringOf("doc:a", state)).toMatchObject({ canPin: false, canExclude: true, canUnpin: true });
    expect(steeringOf("doc:b", state)).toMatchObject({ canPin: false, canExclude: false, canUnpin: true });
    expect(steeringOf("doc:c", state)).toMatchObject({ override: null, canPin: true, canExclude: true });
  });
  it("cannot unpin what the plan file pins or excludes", () => {
    expect(steeringOf("doc:file-pin", state)).toMatchObject({
      planFile: "pin",
      canPin: false,
      canUnpin: false,
    });
    expect(steeringOf("doc:file-out", state)).toMatchObject({
      planFile: "exclude",
      canPin: false,
      canExclude: false,
      canUnpin: false,
    });
  });
});
