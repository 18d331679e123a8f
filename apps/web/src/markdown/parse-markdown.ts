/**
 * A small Markdown reader for the INDEX document: CommonMark's everyday subset (headings, paragraphs,
 * lists, block quotes, fenced code, rules; code spans, emphasis, links). It produces a tree, not HTML, and
 * the view renders the tree as React elements, so text is always escaped by React and raw HTML in a
 * document shows as text. That is the point: no HTML string ever reaches the DOM.
 */

export type Inline =
  | { type: "text"; text: string }
  | { type: "code"; text: string }
  | { type: "strong"; children: Inline[] }
  | { type: "em"; children: Inline[] }
  | { type: "link"; href: string; children: Inline[] };

export type Block =
  | { type: "heading"; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { type: "paragraph"; children: Inline[] }
  | { type: "code"; language: string; text: string }
  | { type: "quote"; children: Block[] }
  | { type: "list"; ordered: boolean; start: number; items: Block[][] }
  | { type: "rule" };

const FENCE = /^ {0,3}(```|~~~)\s*([\w+-]*)\s*$/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const BULLET = /^ {0,3}([-*+])\s+(.*)$/;
const ORDERED = /^ {0,3}(\d{1,9})[.)]\s+(.*)$/;

export function parseMarkdown(source: string): Block[] {
  return parseBlocks(source.replace(/\r\n?/g, "\n").split("\n"));
}

function parseBlocks(lines: readonly string[]): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const endParagraph = () => {
    if (paragraph.length > 0) blocks.push({ type: "paragraph", children: parseInline(paragraph.join("\n")) });
    paragraph = [];
  };

  let at = 0;
  while (at < lines.length) {
    const line = lines[at] ?? "";
    const fence = FENCE.exec(line);
    if (fence) {
      endParagraph();
      const marker = fence[1] ?? "```";
      const body: string[] = [];
      at += 1;
      while (at < lines.length && !(lines[at] ?? "").trim().startsWith(marker)) {
        body.push(lines[at] ?? "");
        at += 1;
      }
      blocks.push({ type: "code", language: fence[2] ?? "", text: body.join("\n") });
      at += 1; // the closing fence (or the end)
      continue;
    }
    if (line.trim() === "") {
      endParagraph();
      at += 1;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      endParagraph();
      const level = Math.min(6, (heading[1] ?? "#").length) as 1 | 2 | 3 | 4 | 5 | 6;
      blocks.push({ type: "heading", level, children: parseInline(heading[2] ?? "") });
      at += 1;
      continue;
    }
    if (RULE.test(line)) {
      endParagraph();
      blocks.push({ type: "rule" });
      at += 1;
      continue;
    }
    if (QUOTE.test(line)) {
      endParagraph();
      const body: string[] = [];
      while (at < lines.length) {
        const match = QUOTE.exec(lines[at] ?? "");
        if (!match) break;
        body.push(match[1] ?? "");
        at += 1;
      }
      blocks.push({ type: "quote", children: parseBlocks(body) });
      continue;
    }
    const bullet = BULLET.exec(line);
    const ordered = ORDERED.exec(line);
    if (bullet || ordered) {
      endParagraph();
      const isOrdered = ordered !== null && bullet === null;
      const pattern = isOrdered ? ORDERED : BULLET;
      const items: string[][] = [];
      while (at < lines.length) {
        const current = lines[at] ?? "";
        const item = pattern.exec(current);
        if (item) {
          items.push([item[2] ?? ""]);
        } else if (current.trim() !== "" && /^\s{2,}/.test(current) && items.length > 0) {
          items[items.length - 1]?.push(current.replace(/^\s{2,4}/, ""));
        } else {
          break;
        }
        at += 1;
      }
      blocks.push({
        type: "list",
        ordered: isOrdered,
        start: isOrdered ? Number(ordered?.[1] ?? 1) : 1,
        items: items.map((item) => parseBlocks(item)),
      });
      continue;
    }
    paragraph.push(line.trim());
    at += 1;
  }
  endParagraph();
  return blocks;
}

/** Only these link targets are kept; anything else (`javascript:`, `data:`) renders as plain text. */
export function safeHref(href: string): string | null {
  const trimmed = href.trim();
  if (/^(https?:|mailto:)/i.test(trimmed)) return trimmed;
  if (/^[#/]/.test(trimmed) && !trimmed.startsWith("//")) return trimmed;
  return null;
}

interface InlineMatch {
  index: number;
  length: number;
  node: Inline;
}

const INLINE_RULES: readonly { pattern: RegExp; build: (match: RegExpExecArray) => Inline | null }[] = [
  { pattern: /`([^`\n]+)`/, build: (match) => ({ type: "code", text: match[1] ?? "" }) },
  {
    pattern: /\[([^\]\n]+)\]\(([^)\s]+)\)/,
    build: (match) => {
      const href = safeHref(match[2] ?? "");
      return href === null ? null : { type: "link", href, children: parseInline(match[1] ?? "") };
    },
  },
  {
    pattern: /\*\*(?=\S)([\s\S]*?\S)\*\*/,
    build: (match) => ({ type: "strong", children: parseInline(match[1] ?? "") }),
  },
  {
    pattern: /__(?=\S)([\s\S]*?\S)__/,
    build: (match) => ({ type: "strong", children: parseInline(match[1] ?? "") }),
  },
  {
    pattern: /\*(?=\S)([^*]*?\S)\*/,
    build: (match) => ({ type: "em", children: parseInline(match[1] ?? "") }),
  },
  {
    pattern: /(?<![\w])_(?=\S)([^_]*?\S)_(?![\w])/,
    build: (match) => ({ type: "em", children: parseInline(match[1] ?? "") }),
  },
];

export function parseInline(text: string): Inline[] {
  const nodes: Inline[] = [];
  let rest = text;
  while (rest.length > 0) {
    let best: InlineMatch | null = null;
    for (const rule of INLINE_RULES) {
      const match = rule.pattern.exec(rest);
      if (match === null || (best !== null && match.index >= best.index)) continue;
      const node = rule.build(match);
      if (node !== null) best = { index: match.index, length: match[0].length, node };
    }
    if (best === null) {
      pushText(nodes, rest);
      break;
    }
    if (best.index > 0) pushText(nodes, rest.slice(0, best.index));
    nodes.push(best.node);
    rest = rest.slice(best.index + best.length);
  }
  return nodes;
}

function pushText(nodes: Inline[], text: string): void {
  const last = nodes[nodes.length - 1];
  if (last?.type === "text") last.text += text;
  else nodes.push({ type: "text", text });
}
