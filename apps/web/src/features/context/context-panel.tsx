"use client";

import { useCallback } from "react";
import { Callout, ErrorState, LoadingState } from "../../components/ui/states.tsx";
import { errorMessage } from "../../trpc/errors.ts";
import { BudgetMeter } from "./budget-meter.tsx";
import { ContextApproval } from "./context-approval.tsx";
import { ContextItemRow } from "./context-item-row.tsx";
import { ContextSearch } from "./context-search.tsx";
import { steeringOf } from "./context-view.ts";
import {
  useContextActions,
  useContextGroups,
  useContextPrompt,
  useContextSteering,
  useContextSummary,
} from "./use-context-preview.ts";

/**
 * The Context tab of a task: the bundle it would get now, by tier, with a budget meter; pin, exclude and
 * unpin items, add any item from a search, approve. Only `kind: llm` tasks have a context.
 */
export function ContextPanel({
  planSlug,
  taskKey,
  kind,
}: {
  planSlug: string;
  taskKey: string;
  kind: string;
}) {
  if (kind !== "llm") {
    return (
      <p className="text-sm text-slate-600" data-testid="context-not-llm">
        Context applies to <span className="font-mono">llm</span> tasks: their prompt gets a bundle of the
        plan's INDEX, documents, notes and other tasks' outputs within a token budget.{" "}
        <span className="font-mono">{taskKey}</span> is a <span className="font-mono">{kind}</span> task.
      </p>
    );
  }
  return <LlmContext planSlug={planSlug} taskKey={taskKey} />;
}

function LlmContext({ planSlug, taskKey }: { planSlug: string; taskKey: string }) {
  const summary = useContextSummary(planSlug, taskKey);
  const actions = useContextActions(planSlug, taskKey);
  if (summary.isPending) return <LoadingState label="Building the bundle…" />;
  if (summary.isError)
    return (
      <ErrorState
        title="Could not build the context"
        error={summary.error}
        onRetry={() => void summary.refetch()}
      />
    );
  return (
    <section aria-label={`Context of ${taskKey}`} className="flex flex-col gap-4" data-testid="context-panel">
      <div className="flex flex-col gap-1">
        <BudgetMeter usedTokens={summary.data.usedTokens} budget={summary.data.budget} />
        <p className="text-[11px] text-slate-500">
          The system message, instructions and task take {summary.data.promptTokens} tokens more.
        </p>
      </div>
      <ContextApproval planSlug={planSlug} taskKey={taskKey} />
      {actions.error && <Callout title="Not changed">{errorMessage(actions.error)}</Callout>}
      <ContextSearch planSlug={planSlug} taskKey={taskKey} />
      <ContextGroups planSlug={planSlug} taskKey={taskKey} />
      <PromptView planSlug={planSlug} taskKey={taskKey} />
    </section>
  );
}

function ContextGroups({ planSlug, taskKey }: { planSlug: string; taskKey: string }) {
  const groups = useContextGroups(planSlug, taskKey);
  const steering = useContextSteering(planSlug, taskKey);
  const actions = useContextActions(planSlug, taskKey);
  const { pin, exclude, unpin } = actions;
  const onPin = useCallback((ref: string) => void pin(ref), [pin]);
  const onExclude = useCallback((ref: string) => void exclude(ref), [exclude]);
  const onUnpin = useCallback((ref: string) => void unpin(ref), [unpin]);
  if (!groups.data || !steering.data) return null;
  if (groups.data.length === 0)
    return (
      <p className="text-sm text-slate-500">
        No candidates: the plan gives this task nothing to draw from yet.
      </p>
    );
  return (
    <div className="flex flex-col gap-3">
      {groups.data.map((group) => (
        <section key={group.tier} aria-label={group.label} data-tier={group.tier}>
          <h3 className="mb-1.5 flex items-baseline justify-between text-xs font-semibold text-slate-700">
            {group.label}
            <span className="font-mono font-normal text-slate-500">{group.tokens} tok</span>
          </h3>
          <ul className="flex flex-col gap-1.5">
            {group.items.map((item) => (
              <ContextItemRow
                key={item.ref}
                item={item}
                steering={steeringOf(item.ref, steering.data)}
                busy={actions.busyRef === item.ref}
                onPin={onPin}
                onExclude={onExclude}
                onUnpin={onUnpin}
              />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function PromptView({ planSlug, taskKey }: { planSlug: string; taskKey: string }) {
  const prompt = useContextPrompt(planSlug, taskKey);
  if (prompt.data === undefined) return null;
  return (
    <details className="rounded-md border border-slate-200">
      <summary className="cursor-pointer px-3 py-2 text-xs font-medium text-slate-700 select-none">
        The whole prompt
      </summary>
      <pre className="max-h-96 overflow-auto px-3 pb-3 font-mono text-[11px] leading-4 whitespace-pre-wrap text-slate-700">
        {prompt.data}
      </pre>
    </details>
  );
}
