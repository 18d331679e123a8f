import { type ReactNode, useMemo } from "react";
import { type Block, type Inline, parseMarkdown } from "./parse-markdown.ts";

const HEADING_CLASSES = {
  1: "text-xl font-semibold",
  2: "text-lg font-semibold",
  3: "text-base font-semibold",
  4: "text-sm font-semibold",
  5: "text-sm font-semibold",
  6: "text-sm font-semibold text-slate-600",
} as const;

// Nodes have no identity beyond their place in the document, which a render never reorders: the index is
// the key.
function renderInline(nodes: readonly Inline[]): ReactNode[] {
  return nodes.map((node, index) => renderInlineNode(node, index));
}

function renderInlineNode(node: Inline, key: number): ReactNode {
  switch (node.type) {
    case "text":
      return node.text;
    case "code":
      return (
        <code key={key} className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.85em]">
          {node.text}
        </code>
      );
    case "strong":
      return <strong key={key}>{renderInline(node.children)}</strong>;
    case "em":
      return <em key={key}>{renderInline(node.children)}</em>;
    case "link":
      return (
        <a
          key={key}
          href={node.href}
          className="text-indigo-700 underline underline-offset-2"
          rel="noopener noreferrer"
          target={node.href.startsWith("/") || node.href.startsWith("#") ? undefined : "_blank"}
        >
          {renderInline(node.children)}
        </a>
      );
  }
}

function renderBlocks(blocks: readonly Block[]): ReactNode[] {
  return blocks.map((block, index) => renderBlock(block, index));
}

function renderBlock(block: Block, key: number): ReactNode {
  switch (block.type) {
    case "heading": {
      const Tag = `h${block.level}` as const;
      return (
        <Tag key={key} className={HEADING_CLASSES[block.level]}>
          {renderInline(block.children)}
        </Tag>
      );
    }
    case "paragraph":
      return (
        <p key={key} className="whitespace-pre-line">
          {renderInline(block.children)}
        </p>
      );
    case "code":
      return (
        <pre
          key={key}
          className="overflow-x-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100"
        >
          <code>{block.text}</code>
        </pre>
      );
    case "quote":
      return (
        <blockquote key={key} className="flex flex-col gap-2 border-l-4 border-slate-200 pl-3 text-slate-600">
          {renderBlocks(block.children)}
        </blockquote>
      );
    case "list": {
      const items = block.items.map((item, itemIndex) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: list items are positional
        <li key={itemIndex} className="[&>p]:inline">
          {renderBlocks(item)}
        </li>
      ));
      return block.ordered ? (
        <ol key={key} start={block.start} className="flex list-decimal flex-col gap-1 pl-5">
          {items}
        </ol>
      ) : (
        <ul key={key} className="flex list-disc flex-col gap-1 pl-5">
          {items}
        </ul>
      );
    }
    case "rule":
      return <hr key={key} className="border-slate-200" />;
  }
}

/**
 * Markdown rendered as React elements from a parsed tree: React escapes every text node, so a document
 * containing `<script>` or `<img onerror>` shows them as text. No HTML string is ever injected.
 */
export function MarkdownView({ source, className }: { source: string; className?: string }) {
  const blocks = useMemo(() => parseMarkdown(source), [source]);
  return (
    <div className={className ?? "flex flex-col gap-3 text-sm leading-6 text-slate-800"}>
      {renderBlocks(blocks)}
    </div>
  );
}
