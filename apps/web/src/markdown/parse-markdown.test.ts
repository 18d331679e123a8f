import { describe, expect, it } from "vitest";
import { parseInline, parseMarkdown, safeHref } from "./parse-markdown.ts";

describe("parseMarkdown", () => {
  it("reads headings, paragraphs, lists, quotes, code and rules", () => {
    const blocks = parseMarkdown(
      [
        "# Title",
        "",
        "Some *text*",
        "on two lines.",
        "",
        "- one",
        "- two",
        "",
        "1. first",
        "2. second",
        "",
        "> quoted",
        "",
        "```sh",
        "echo <b>",
        "```",
        "---",
      ].join("\n"),
    );
    expect(blocks.map((block) => block.type)).toEqual([
      "heading",
      "paragraph",
      "list",
      "list",
      "quote",
      "code",
      "rule",
    ]);
    expect(blocks[2]).toMatchObject({
      type: "list",
      ordered: false,
      items: [[{ type: "paragraph" }], [{ type: "paragraph" }]],
    });
    expect(blocks[3]).toMatchObject({ type: "list", ordered: true, start: 1 });
    expect(blocks[5]).toEqual({ type: "code", language: "sh", text: "echo <b>" });
  });

  it("keeps raw HTML as text", () => {
    expect(parseMarkdown("<script>alert(1)</script>")).toEqual([
      { type: "paragraph", children: [{ type: "text", text: "<script>alert(1)</script>" }] },
    ]);
  });
});

describe("parseInline", () => {
  it("reads code, strong, emphasis and links", () => {
    expect(parseInline("run `make` **now**, _please_ see [docs](https://example.com)")).toEqual([
      { type: "text", text: "run " },
      { type: "code", text: "make" },
      { type: "text", text: " " },
      { type: "strong", children: [{ type: "text", text: "now" }] },
      { type: "text", text: ", " },
      { type: "em", children: [{ type: "text", text: "please" }] },
      { type: "text", text: " see " },
      { type: "link", href: "https://example.com", children: [{ type: "text", text: "docs" }] },
    ]);
  });

  it("does not make links of unsafe targets", () => {
    expect(parseInline("[x](javascript:alert(1))")).toEqual([
      { type: "text", text: "[x](javascript:alert(1))" },
    ]);
    expect(safeHref("//evil.example")).toBeNull();
    expect(safeHref("/runs")).toBe("/runs");
  });

  it("leaves snake_case words alone", () => {
    expect(parseInline("a snake_case_name here")).toEqual([{ type: "text", text: "a snake_case_name here" }]);
  });
});
