"use client";

import { cx } from "../../components/ui/class-names.ts";
import type { SnapshotBody, SnapshotItem } from "./snapshot-types.ts";

const DECISION_STYLES: Record<SnapshotItem["decision"], string> = {
  full: "bg-emerald-50 text-emerald-800",
  summarized: "bg-sky-50 text-sky-800",
  trimmed: "bg-amber-50 text-amber-800",
  dropped: "bg-slate-100 text-slate-500",
  excluded: "bg-rose-50 text-rose-700",
};

/** used / budget as a bar (the text says the same for screen readers); a bundle never exceeds its budget. */
export function BudgetMeter({ used, budget }: { used: number; budget: number }) {
  const share = budget > 0 ? Math.min(1, used / budget) : 0;
  return (
    <div className="flex items-center gap-2 text-xs text-slate-600" data-testid="snapshot-budget">
      <div className="h-1.5 w-32 overflow-hidden rounded-full bg-slate-200" aria-hidden="true">
        <div className="h-full bg-indigo-500" style={{ width: `${share * 100}%` }} />
      </div>
      <span className="tabular-nums">
        {used} / {budget} tokens
      </span>
    </div>
  );
}

export function DecisionChip({ decision }: { decision: SnapshotItem["decision"] }) {
  return (
    <span className={cx("rounded px-1.5 py-0.5 text-[11px] font-medium", DECISION_STYLES[decision])}>
      {decision}
    </span>
  );
}

/** One item as it entered the prompt: its ref, tier, decision, tokens and reason; the text on demand. */
function ItemRow({ item }: { item: SnapshotItem }) {
  return (
    <li className="py-1.5" data-testid={`snapshot-item-${item.ref}`}>
      <details>
        <summary className="flex cursor-pointer items-center gap-2 text-xs">
          <code className="min-w-0 flex-1 truncate font-mono text-slate-800">{item.ref}</code>
          <span className="text-slate-500">{item.tier}</span>
          <DecisionChip decision={item.decision} />
          <span className="w-20 text-right tabular-nums text-slate-600">
            {item.tokens}
            {item.tokens !== item.fullTokens && <span className="text-slate-400"> / {item.fullTokens}</span>}
          </span>
        </summary>
        <p className="mt-1 text-[11px] text-slate-500">{item.reason}</p>
        {item.text !== "" && (
          <pre className="mt-1 max-h-48 overflow-auto rounded bg-slate-50 p-2 font-mono text-[11px] leading-4 whitespace-pre-wrap break-words text-slate-700">
            {item.text}
          </pre>
        )}
      </details>
    </li>
  );
}

/**
 * A stored snapshot, exactly as the model saw it: the hash, the budget, every candidate in prompt order with
 * its decision and reason (entered items first), and the messages sent, each under its role.
 */
export function SnapshotBundleView({ snapshot }: { snapshot: SnapshotBody }) {
  return (
    <div className="flex flex-col gap-4" data-testid="snapshot-view">
      <div className="flex flex-col gap-1.5">
        <p className="text-xs text-slate-500">
          Hash{" "}
          <code className="font-mono break-all text-slate-800 select-all" data-testid="snapshot-hash">
            {snapshot.hash}
          </code>
        </p>
        <p className="text-xs text-slate-500">
          Built for <span className="font-mono text-slate-700">{snapshot.model}</span> · prompt outside the
          budget: {snapshot.promptTokens} tokens · {snapshot.totals.candidates} candidates
        </p>
        <BudgetMeter used={snapshot.usedTokens} budget={snapshot.budget} />
      </div>
      <section>
        <h4 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">Bundle</h4>
        <ul className="divide-y divide-slate-100">
          {snapshot.items.map((item) => (
            <ItemRow key={item.ref} item={item} />
          ))}
        </ul>
      </section>
      <section>
        <h4 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">Prompt, as sent</h4>
        <ol className="flex flex-col gap-2" data-testid="snapshot-messages">
          {snapshot.messages.map((message, index) => (
            // Messages never move: their position is their identity.
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed, ordered list
            <li key={index}>
              <p className="text-[11px] font-semibold text-slate-500 uppercase">{message.role}</p>
              <pre className="max-h-72 overflow-auto rounded bg-slate-900 p-2 font-mono text-[11px] leading-4 whitespace-pre-wrap break-words text-slate-100">
                {message.content}
              </pre>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
