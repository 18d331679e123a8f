import { describe, expect, it } from "vitest";
import { checkKindChange, checkNewLink, formatCycle, type GraphLink } from "./cycle-feedback.ts";

const keys = ["a", "b", "c", "d"];
const chain: GraphLink[] = [
  { from: "a", to: "b", kind: "requires" },
  { from: "b", to: "c", kind: "requires" },
];

describe("checkNewLink", () => {
  it("accepts a link that keeps the graph acyclic", () => {
    expect(checkNewLink(keys, chain, { from: "c", to: "d", kind: "requires" })).toEqual({ ok: true });
  });

  it("refuses a requires link that closes a cycle and names the cycle from the new edge", () => {
    const check = checkNewLink(keys, chain, { from: "c", to: "a", kind: "requires" });
    expect(check).toMatchObject({ ok: false, reason: "cycle", cycle: ["c", "a", "b", "c"] });
    if (!check.ok) expect(check.message).toBe("This link would close a cycle: c → a → b → c");
  });

  it("lets refers links loop, since they do not gate execution", () => {
    expect(checkNewLink(keys, chain, { from: "c", to: "a", kind: "refers" })).toEqual({ ok: true });
  });

  it("ignores refers links when looking for cycles", () => {
    const links: GraphLink[] = [{ from: "a", to: "b", kind: "refers" }];
    expect(checkNewLink(keys, links, { from: "b", to: "a", kind: "requires" })).toEqual({ ok: true });
  });

  it("refuses self links, duplicates and unknown tasks", () => {
    expect(checkNewLink(keys, chain, { from: "a", to: "a", kind: "requires" })).toMatchObject({
      reason: "self",
    });
    expect(checkNewLink(keys, chain, { from: "a", to: "b", kind: "refers" })).toMatchObject({
      reason: "duplicate",
    });
    expect(checkNewLink(keys, chain, { from: "a", to: "zz", kind: "requires" })).toMatchObject({
      reason: "unknown-task",
    });
  });
});

describe("checkKindChange", () => {
  it("checks a refers link turned into requires for cycles", () => {
    const links: GraphLink[] = [...chain, { from: "c", to: "a", kind: "refers" }];
    const check = checkKindChange(keys, links, { from: "c", to: "a", kind: "refers" }, "requires");
    expect(check).toMatchObject({ ok: false, reason: "cycle", cycle: ["c", "a", "b", "c"] });
    expect(checkKindChange(keys, links, { from: "a", to: "b", kind: "requires" }, "refers")).toEqual({
      ok: true,
    });
  });
});

it("formats cycles with arrows", () => {
  expect(formatCycle(["a", "b", "c", "a"])).toBe("a → b → c → a");
});
