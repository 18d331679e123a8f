import { describe, expect, it } from "vitest";
import { type SearchableItem, SNIPPET_LENGTH, searchItems, snippetOf } from "./context-item-search.ts";

const items: SearchableItem[] = [
  {
    ref: "task:notes",
    type: "task",
    title: "Competitor notes",
    text: "Competitor B charges 39 euros per seat.",
  },
  { ref: "task:later", type: "task", title: "Later", text: "" },
  { ref: "note:audience", type: "note", title: "audience", text: "CFO" },
  { ref: "doc:spec", type: "document", title: "Pricing spec", text: "Team costs 49 euros per seat." },
  { ref: "index", type: "index", title: "INDEX", text: "Prices are in euros." },
];

describe("searchItems", () => {
  it("lists every item for an empty query: INDEX, documents, notes, then tasks", () => {
    expect(searchItems(items, "  ", 10).map((hit) => hit.ref)).toEqual([
      "index",
      "doc:spec",
      "note:audience",
      "task:notes",
      "task:later",
    ]);
    expect(searchItems(items, "", 2)).toHaveLength(2);
  });

  it("puts ref and title matches before text matches, and marks items without text", () => {
    const hits = searchItems(items, "later", 10);
    expect(hits).toEqual([{ ref: "task:later", type: "task", title: "Later", snippet: "", hasText: false }]);
    expect(searchItems(items, "spec", 10)[0]?.ref).toBe("doc:spec");
    expect(searchItems(items, "euros seat", 10).map((hit) => hit.ref)).toEqual(
      expect.arrayContaining(["task:notes", "doc:spec", "index"]),
    );
    expect(searchItems(items, "zebra", 10)).toEqual([]);
  });
});

describe("snippetOf", () => {
  it("shows short texts whole on one line, and long ones around the first query word", () => {
    expect(snippetOf("a\n  b", [])).toBe("a b");
    const long = `${"filler ".repeat(60)}the price is 49 euros ${"tail ".repeat(60)}`;
    const snippet = snippetOf(long, ["price"]);
    expect(snippet).toContain("the price is 49 euros");
    expect(snippet.startsWith("…")).toBe(true);
    expect(snippet.endsWith("…")).toBe(true);
    expect(snippet.length).toBeLessThanOrEqual(SNIPPET_LENGTH + 2);
    expect(snippetOf(long, ["absent"]).startsWith("filler")).toBe(true);
  });
});
