import { describe, expect, it } from "vitest";
import { formatItemRef, isItemRef, parseItemRef, resolveContextPolicy } from "./context-types.ts";
import { BadInputError } from "./errors.ts";

describe("item refs", () => {
  it.each([
    ["index", { kind: "index" }],
    ["task:raw-notes", { kind: "task", key: "raw-notes" }],
    ["doc:docs/spec.md", { kind: "doc", key: "docs/spec.md" }],
    [" note:audience ", { kind: "note", key: "audience" }],
  ])("parses %s", (text, ref) => {
    expect(parseItemRef(text)).toEqual(ref);
    expect(formatItemRef(parseItemRef(text))).toBe(text.trim());
  });

  it.each(["", "task:", "tasks:x", "doc:-x", "note:a b", "INDEX", ":x"])(
    "refuses %j with a clear error",
    (text) => {
      expect(() => parseItemRef(text)).toThrow(BadInputError);
      expect(() => parseItemRef(text)).toThrow(/expected index, task:<key>, doc:<key> or note:<key>/);
      expect(isItemRef(text)).toBe(false);
    },
  );
});

describe("resolveContextPolicy", () => {
  it("fills every default and keeps what is given", () => {
    expect(resolveContextPolicy()).toEqual({
      budget: null,
      k: 5,
      summarize: "extractive",
      include: { siblings: true, notes: true, retrieval: true },
    });
    expect(resolveContextPolicy({ budget: 6000, include: { notes: false } })).toMatchObject({
      budget: 6000,
      include: { siblings: true, notes: false, retrieval: true },
    });
  });
});
