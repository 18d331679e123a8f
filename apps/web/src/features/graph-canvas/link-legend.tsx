"use client";

import type { LinkKind } from "@taskloom/core";
import { Panel } from "@xyflow/react";
import { cx } from "../../components/ui/class-names.ts";
import { LINK_KIND_STYLES } from "../../graph/link-styles.ts";

/** A short stretch of a link kind's stroke, as the canvas draws it. */
function LinkSample({ kind }: { kind: LinkKind }) {
  const look = LINK_KIND_STYLES[kind];
  return (
    <svg width="32" height="10" viewBox="0 0 32 10" aria-hidden="true" className="shrink-0">
      <line
        x1="1"
        y1="5"
        x2={look.arrow ? 25 : 31}
        y2="5"
        stroke={look.stroke}
        strokeWidth="1.75"
        strokeDasharray={look.dash}
        strokeLinecap={look.dash === undefined ? undefined : "round"}
      />
      {look.arrow && <path d="M24 1 L31 5 L24 9 Z" fill={look.stroke} />}
    </svg>
  );
}

/**
 * The canvas's key to its link kinds. In the editor (`onChoose`) it is also where the kind of the next link
 * drawn is chosen: the pressed entry is what a drag between two tasks creates.
 */
export function LinkLegend({
  kinds,
  chosen,
  onChoose,
}: {
  kinds: readonly LinkKind[];
  chosen?: LinkKind;
  onChoose?: (kind: LinkKind) => void;
}) {
  if (kinds.length === 0) return null;
  const entry = (kind: LinkKind) => (
    <>
      <LinkSample kind={kind} />
      <span className="font-medium text-slate-700">{LINK_KIND_STYLES[kind].label}</span>
      <span className="text-slate-500">{LINK_KIND_STYLES[kind].meaning}</span>
    </>
  );
  return (
    <Panel position="top-right">
      <div
        data-testid="link-legend"
        className="rounded-md bg-white/95 p-1.5 text-[11px] shadow-sm ring-1 ring-slate-200"
      >
        {onChoose ? (
          <fieldset className="flex flex-col">
            <legend className="px-1 pb-0.5 text-slate-500">New links are</legend>
            {kinds.map((kind) => (
              <button
                key={kind}
                type="button"
                aria-pressed={chosen === kind}
                aria-label={`New links: ${LINK_KIND_STYLES[kind].label}`}
                onClick={() => onChoose(kind)}
                className={cx(
                  "flex items-center gap-1.5 rounded px-1 py-0.5 text-left",
                  chosen === kind ? "bg-indigo-50 ring-1 ring-indigo-300" : "hover:bg-slate-100",
                )}
              >
                {entry(kind)}
              </button>
            ))}
          </fieldset>
        ) : (
          <ul aria-label="Link kinds" className="flex flex-col">
            {kinds.map((kind) => (
              <li key={kind} className="flex items-center gap-1.5 px-1 py-0.5">
                {entry(kind)}
              </li>
            ))}
          </ul>
        )}
      </div>
    </Panel>
  );
}
