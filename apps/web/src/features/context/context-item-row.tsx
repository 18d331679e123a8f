"use client";

import { memo, useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { cx } from "../../components/ui/class-names.ts";
import { ChevronRightIcon } from "../../components/ui/icons.tsx";
import {
  type ContextDecision,
  type ContextItem,
  DECISION_LABELS,
  type ItemSteering,
} from "./context-view.ts";

const DECISION_STYLES: Record<ContextDecision, string> = {
  full: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  summarized: "bg-sky-50 text-sky-800 ring-sky-200",
  trimmed: "bg-amber-50 text-amber-800 ring-amber-200",
  dropped: "bg-slate-100 text-slate-600 ring-slate-200",
  excluded: "bg-rose-50 text-rose-700 ring-rose-200",
};

interface ContextItemRowProps {
  item: ContextItem;
  steering: ItemSteering;
  busy: boolean;
  onPin: (ref: string) => void;
  onExclude: (ref: string) => void;
  onUnpin: (ref: string) => void;
}

/** One candidate: ref and title, its tokens, decision and reason, the steering buttons, and its text. */
export const ContextItemRow = memo(function ContextItemRow({
  item,
  steering,
  busy,
  onPin,
  onExclude,
  onUnpin,
}: ContextItemRowProps) {
  const [open, setOpen] = useState(false);
  const textId = `context-text-${item.ref}`;
  return (
    <li className="flex flex-col gap-1 rounded-md border border-slate-200 px-2.5 py-2" data-ref={item.ref}>
      <div className="flex items-start gap-2">
        <button
          type="button"
          aria-expanded={open}
          aria-controls={textId}
          aria-label={`${open ? "Hide" : "Show"} the text of ${item.ref}`}
          onClick={() => setOpen((current) => !current)}
          className="mt-0.5 rounded p-0.5 text-slate-500 hover:bg-slate-100"
        >
          <ChevronRightIcon size={14} className={cx("transition-transform", open && "rotate-90")} />
        </button>
        <div className="min-w-0 flex-1">
          <p className="flex items-center gap-1.5">
            <span className="truncate font-mono text-xs font-semibold text-slate-800">{item.ref}</span>
            <span
              data-testid="item-decision"
              className={cx(
                "rounded px-1.5 text-[11px] font-medium ring-1 ring-inset",
                DECISION_STYLES[item.decision],
              )}
            >
              {DECISION_LABELS[item.decision]}
            </span>
            <span className="ml-auto shrink-0 font-mono text-[11px] text-slate-500" data-testid="item-tokens">
              {item.tokens === item.fullTokens
                ? `${item.tokens} tok`
                : `${item.tokens} / ${item.fullTokens} tok`}
            </span>
          </p>
          <p className="truncate text-xs text-slate-500" title={item.title}>
            {item.title}
          </p>
          <p className="text-xs text-slate-600" data-testid="item-reason">
            {item.reason}
            {steering.planFile && (
              <span className="text-slate-400">
                {" "}
                · {steering.planFile === "pin" ? "pinned" : "excluded"} in the plan file
              </span>
            )}
          </p>
        </div>
      </div>
      <div className="flex items-center gap-1 pl-6">
        {steering.canPin && (
          <Button
            size="sm"
            variant="ghost"
            disabled={busy}
            onClick={() => onPin(item.ref)}
            aria-label={`Pin ${item.ref}`}
          >
            Pin
          </Button>
        )}
        {steering.canExclude && (
          <Button
            size="sm"
            variant="ghost"
            disabled={busy}
            onClick={() => onExclude(item.ref)}
            aria-label={`Exclude ${item.ref}`}
          >
            Exclude
          </Button>
        )}
        {steering.canUnpin && (
          <Button
            size="sm"
            variant="ghost"
            disabled={busy}
            onClick={() => onUnpin(item.ref)}
            aria-label={`Unpin ${item.ref}`}
          >
            {steering.override === "pin" ? "Unpin" : "Include again"}
          </Button>
        )}
      </div>
      {open && (
        <pre
          id={textId}
          className="max-h-64 overflow-auto rounded bg-slate-50 p-2 font-mono text-[11px] leading-4 whitespace-pre-wrap text-slate-700"
        >
          {item.text === "" ? "(does not enter the prompt)" : item.text}
        </pre>
      )}
    </li>
  );
});
