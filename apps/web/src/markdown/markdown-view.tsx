import type { ReactNode } from "react";
import Markdown, { type Components } from "react-markdown";
import { isExternalHref, safeHref } from "./safe-url.ts";

const HEADING_CLASSES = {
  h1: "text-xl font-semibold",
  h2: "text-lg font-semibold",
  h3: "text-base font-semibold",
  h4: "text-sm font-semibold",
  h5: "text-sm font-semibold",
  h6: "text-sm font-semibold text-slate-600",
} as const;

const COMPONENTS: Components = {
  ...Object.fromEntries(
    Object.entries(HEADING_CLASSES).map(([Tag, className]) => [
      Tag,
      ({ children }: { children?: ReactNode }) => {
        const Heading = Tag as keyof typeof HEADING_CLASSES;
        return <Heading className={className}>{children}</Heading>;
      },
    ]),
  ),
  p: ({ children }) => <p className="whitespace-pre-line">{children}</p>,
  a: ({ href, children }) =>
    href === undefined ? (
      // A refused URL (see safeHref): the text stays, the link goes.
      <span className="text-indigo-700">{children}</span>
    ) : (
      <a
        href={href}
        className="text-indigo-700 underline underline-offset-2"
        rel="noopener noreferrer"
        target={isExternalHref(href) ? "_blank" : undefined}
      >
        {children}
      </a>
    ),
  // Images would load from anywhere the document names (and tell that server who reads it): alt text only.
  img: ({ alt }) => <span className="text-slate-500">{alt ? `[image: ${alt}]` : "[image]"}</span>,
  code: ({ children, className }) =>
    className === undefined ? (
      <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.85em]">{children}</code>
    ) : (
      <code className={className}>{children}</code>
    ),
  pre: ({ children }) => (
    <pre className="overflow-x-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100 [&_code]:bg-transparent [&_code]:p-0">
      {children}
    </pre>
  ),
  blockquote: ({ children }) => (
    <blockquote className="flex flex-col gap-2 border-l-4 border-slate-200 pl-3 text-slate-600">
      {children}
    </blockquote>
  ),
  ul: ({ children }) => <ul className="flex list-disc flex-col gap-1 pl-5">{children}</ul>,
  ol: ({ children, start }) => (
    <ol start={start} className="flex list-decimal flex-col gap-1 pl-5">
      {children}
    </ol>
  ),
  li: ({ children }) => <li className="[&>p]:inline">{children}</li>,
  hr: () => <hr className="border-slate-200" />,
};

/**
 * Markdown (CommonMark, by react-markdown: a linear-time parser) rendered as React elements: React escapes
 * every text node, raw HTML in the document is dropped, and every URL goes through `safeHref`. No HTML string
 * is ever injected.
 */
export function MarkdownView({ source, className }: { source: string; className?: string }) {
  return (
    <div className={className ?? "flex flex-col gap-3 text-sm leading-6 text-slate-800"}>
      <Markdown skipHtml components={COMPONENTS} urlTransform={(url) => safeHref(url)}>
        {source}
      </Markdown>
    </div>
  );
}
