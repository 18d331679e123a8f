"use client";

import { Button } from "../../components/ui/button.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { shortHash } from "./context-view.ts";
import { useContextActions, useContextSummary } from "./use-context-preview.ts";

/**
 * Approve locks the bundle: runs use exactly the approved snapshot while its inputs stay the same. When
 * they change, this says so and what changed (the run's log says the same).
 */
export function ContextApproval({ planSlug, taskKey }: { planSlug: string; taskKey: string }) {
  const summary = useContextSummary(planSlug, taskKey);
  const actions = useContextActions(planSlug, taskKey);
  if (!summary.data) return null;
  const { approval, hash } = summary.data;

  const approve = async () => {
    const approved = await actions.approve();
    toast.success(`Context of ${taskKey} approved`, `Snapshot ${shortHash(approved.hash)}`);
  };
  const clear = async () => {
    await actions.clear();
    toast.success(`Overrides and approval of ${taskKey} cleared`);
  };

  return (
    <section aria-label="Approval" className="flex flex-col gap-2" data-testid="context-approval">
      {approval === null ? (
        <p className="text-xs text-slate-600">
          Not approved: each run builds the bundle from its inputs at the time.{" "}
          <span className="font-mono text-slate-500">Now {shortHash(hash)}</span>
        </p>
      ) : approval.upToDate ? (
        <p className="text-xs text-emerald-800" data-testid="approval-state">
          <span className="font-semibold">Approved</span> — runs use snapshot{" "}
          <span className="font-mono" data-testid="approved-hash">
            {shortHash(approval.hash)}
          </span>
        </p>
      ) : (
        <div data-testid="approval-stale">
          <Callout tone="warning" title="Inputs changed since approval">
            <p>
              Approved snapshot <span className="font-mono">{shortHash(approval.hash)}</span> no longer
              matches; runs use the current bundle <span className="font-mono">{shortHash(hash)}</span> until
              you approve again.
            </p>
            <p className="mt-1" data-testid="approval-changes">
              What changed: {approval.changes}
            </p>
          </Callout>
        </div>
      )}
      <div className="flex items-center gap-2">
        <Button
          size="sm"
          variant="primary"
          busy={actions.approving}
          disabled={approval?.upToDate === true}
          onClick={() => void approve()}
        >
          {approval === null ? "Approve" : approval.upToDate ? "Approved" : "Approve again"}
        </Button>
        <Button size="sm" variant="ghost" busy={actions.clearing} onClick={() => void clear()}>
          Clear overrides
        </Button>
      </div>
    </section>
  );
}
