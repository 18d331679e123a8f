"use client";

import { cx } from "../../components/ui/class-names.ts";
import { diffSummary, signedTokens } from "../../snapshots/snapshot-labels.ts";
import type { SnapshotDiff } from "./snapshot-types.ts";
import { DecisionChip } from "./snapshot-view.tsx";

type Changes = Omit<SnapshotDiff, "a" | "b">;

function Delta({ value }: { value: number }) {
  return (
    <span
      className={cx(
        "w-14 text-right font-mono tabular-nums",
        value > 0 ? "text-emerald-700" : value < 0 ? "text-rose-700" : "text-slate-500",
      )}
    >
      {signedTokens(value)}
    </span>
  );
}

/** An item that entered only one of the two prompts: its whole token count is the delta. */
function EnteredOnce({ item, side }: { item: Changes["added"][number]; side: "added" | "removed" }) {
  return (
    <li className="flex items-center gap-2 px-2 py-1.5" data-testid={`diff-${side}-${item.ref}`}>
      <span className={cx("w-16 font-medium", side === "added" ? "text-emerald-700" : "text-rose-700")}>
        {side}
      </span>
      <code className="min-w-0 flex-1 truncate font-mono">{item.ref}</code>
      <span className="text-slate-500">{item.tier}</span>
      <DecisionChip decision={item.decision} />
      <Delta value={side === "added" ? item.tokens : -item.tokens} />
    </li>
  );
}

/**
 * What changed between two snapshots, from the older (`a`) to the newer (`b`): items that entered only one
 * prompt, items that entered both differently (tier, decision, text, or their source changed), token deltas.
 */
export function SnapshotChangesView({ diff }: { diff: Changes }) {
  return (
    <div className="flex flex-col gap-2 text-xs" data-testid="snapshot-diff">
      <p className="font-medium text-slate-700" data-testid="snapshot-diff-summary">
        {diffSummary(diff)}
      </p>
      <p className="text-slate-500">
        Tokens used {diff.usedTokens.before} → {diff.usedTokens.after} · budget {diff.budget.before} →{" "}
        {diff.budget.after} · {diff.unchanged} unchanged
      </p>
      {(diff.added.length > 0 || diff.removed.length > 0 || diff.changed.length > 0) && (
        <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
          {diff.added.map((item) => (
            <EnteredOnce key={`+${item.ref}`} item={item} side="added" />
          ))}
          {diff.removed.map((item) => (
            <EnteredOnce key={`-${item.ref}`} item={item} side="removed" />
          ))}
          {diff.changed.map((item) => (
            <li
              key={`~${item.ref}`}
              className="flex items-center gap-2 px-2 py-1.5"
              data-testid={`diff-changed-${item.ref}`}
            >
              <span className="w-16 font-medium text-amber-700">changed</span>
              <code className="min-w-0 flex-1 truncate font-mono">{item.ref}</code>
              <span className="text-slate-500">
                {item.changes.join(", ")}
                {item.before.decision !== item.after.decision &&
                  ` (${item.before.decision} → ${item.after.decision})`}
                {item.before.tier !== item.after.tier && ` (${item.before.tier} → ${item.after.tier})`}
              </span>
              <Delta value={item.tokenDelta} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
