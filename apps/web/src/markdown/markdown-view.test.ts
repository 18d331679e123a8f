import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MarkdownView } from "./markdown-view.tsx";
import { safeHref } from "./safe-url.ts";

const render = (source: string) => renderToStaticMarkup(createElement(MarkdownView, { source }));

describe("safeHref", () => {
  it("keeps web, mail, same-page and same-site links", () => {
    for (const url of [
      "https://example.com/a?b=c#d",
      "http://example.com",
      "mailto:team@example.com",
      "#conventions",
      "/plans/demo",
      "docs/style.md",
      "./notes",
      "../up",
      "?tab=runs",
    ]) {
      expect(safeHref(url), url).toBe(url);
    }
  });

  it("refuses script URLs, other schemes, and paths a browser would turn into another site", () => {
    for (const url of [
      "javascript:alert(1)",
      "JavaScript:alert(1)",
      "java\tscript:alert(1)",
      " javascript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:x",
      "file:///etc/passwd",
      "//evil.example",
      "/\\evil.example",
      "\\\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "\\/evil.example",
      "https://evil.example\\@good.example",
      "/%5Cevil.example",
      "java%09script:alert(1)",
    ]) {
      expect(safeHref(url), JSON.stringify(url)).toBeUndefined();
    }
  });
});

describe("MarkdownView", () => {
  it("renders the everyday subset", () => {
    const html = render(
      "# Rules\n\nUse **bold**, *em* and `code`.\n\n- one\n- two\n\n1. first\n\n> quoted\n\n```sh\necho hi\n```\n\n---\n\n[docs](https://example.com)",
    );
    expect(html).toContain('<h1 class="text-xl font-semibold">Rules</h1>');
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<em>em</em>");
    expect(html).toContain(">code</code>");
    expect(html).toMatch(/<ul[^>]*>\s*<li[^>]*>one<\/li>/);
    expect(html).toMatch(/<ol[^>]*>/);
    expect(html).toContain("<blockquote");
    expect(html).toContain('class="language-sh"');
    expect(html).toContain("<hr");
    expect(html).toContain(
      'href="https://example.com" class="text-indigo-700 underline underline-offset-2" rel="noopener noreferrer" target="_blank"',
    );
  });

  it("never renders raw HTML, and neutralises dangerous links", () => {
    const html = render(
      [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[a](javascript:alert(1))",
        "[b](/\\evil.example)",
        "[c](//evil.example)",
        "[d](<java\tscript:alert(1)>)",
        "[e](\\\\evil.example)",
        "![f](https://tracker.example/pixel.png)",
        "<https://fine.example>",
        "[g](/plans/demo)",
      ].join("\n\n"),
    );
    expect(html).not.toMatch(/<script|onerror|<img/);
    expect(html).not.toMatch(/javascript:|evil\.example"|href="\/\\|href="\/\//);
    for (const text of ["a", "b", "c", "d", "e"]) {
      expect(html).toContain(`<span class="text-indigo-700">${text}</span>`);
    }
    expect(html).toContain("[image: f]");
    expect(html).toContain('href="https://fine.example"');
    expect(html).toContain('href="/plans/demo"');
  });

  it("renders the input that froze the old parser, in full", () => {
    // 8 KB of unclosed emphasis openers: the hand-written parser took cubic time on it.
    const source = "**a ".repeat(2048);
    const html = render(source);
    expect(html.match(/\*\*a/g)).toHaveLength(2048);
    expect(html).not.toContain("<strong>");
  });
});
