"use client";

import { cx } from "../../components/ui/class-names.ts";
import { budgetMeter } from "./context-view.ts";

const BAR_COLORS = { ok: "bg-indigo-500", high: "bg-amber-500", full: "bg-rose-500" } as const;

/** Tokens the context takes of its budget, as a bar and as numbers. */
export function BudgetMeter({ usedTokens, budget }: { usedTokens: number; budget: number }) {
  const meter = budgetMeter(usedTokens, budget);
  return (
    <div className="flex flex-col gap-1" data-testid="budget-meter">
      <div className="flex items-baseline justify-between text-xs">
        <span className="font-medium text-slate-700">Budget</span>
        <span className="font-mono text-slate-600" data-testid="budget-used">
          {meter.label}
        </span>
      </div>
      <meter
        className="sr-only"
        aria-label="Context tokens used of the budget"
        min={0}
        max={Math.max(budget, 1)}
        value={usedTokens}
      />
      <div aria-hidden="true" className="h-2 overflow-hidden rounded-full bg-slate-100">
        <div
          className={cx("h-full rounded-full", BAR_COLORS[meter.level])}
          style={{ width: `${meter.percent}%` }}
        />
      </div>
    </div>
  );
}
