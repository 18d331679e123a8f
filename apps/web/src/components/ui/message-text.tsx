import type { ReactNode } from "react";

/**
 * Engine messages quote names in backticks (``unknown field `x` ``); shown as code here. Plain text
 * otherwise: the message is never interpreted as markup.
 */
export function MessageText({ children }: { children: string }): ReactNode {
  const parts = children.split("`");
  // An odd count of backticks leaves the last part unquoted: show the text as it is then.
  if (parts.length % 2 === 0) return children;
  return parts.map((part, index) =>
    index % 2 === 1 ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one message never reorder
      <code key={index} className="rounded bg-black/5 px-1 font-mono text-[0.92em]">
        {part}
      </code>
    ) : (
      part
    ),
  );
}
