"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { shortHash } from "../../snapshots/snapshot-labels.ts";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";
import { ReplayComparison } from "./replay-comparison.tsx";
import { SnapshotDialog } from "./snapshot-dialog.tsx";
import { SnapshotChangesView } from "./snapshot-diff-view.tsx";
import type { AttemptSnapshot } from "./snapshot-types.ts";

/** The buttons of each attempt: the dialog opened on one of its tabs. */
const OPENERS = [
  { tab: "snapshot", label: "Snapshot" },
  { tab: "compare", label: "Diff" },
] as const;

/** What the last attempt's context was: a dry run, a replay, the approved snapshot, or a stale approval. */
function ContextNotices({ last }: { last: AttemptSnapshot }) {
  const { approval } = last;
  return (
    <>
      {last.dryRun && (
        <Callout tone="info" title="Dry run" className="text-xs">
          <span data-testid="dry-run-label">
            No LLM provider is configured: the output is the compiled prompt, not a model answer.
          </span>
        </Callout>
      )}
      {last.replayOf && <ReplayComparison origin={last.replayOf} />}
      {approval?.used && (
        <p className="text-xs text-emerald-800" data-testid="approval-used">
          Sent the approved context <code className="font-mono">{shortHash(approval.hash)}</code>.
        </p>
      )}
      {approval && !approval.used && (
        <Callout tone="warning" title="The approved context was not used: its inputs changed">
          <div className="flex flex-col gap-2 text-xs" data-testid="approval-stale">
            <p>
              Approved <code className="font-mono">{shortHash(approval.hash)}</code>; this attempt sent{" "}
              <code className="font-mono">{shortHash(last.snapshot.hash)}</code>, built from the current
              inputs. Approve again in the plan's Context tab to lock the new bundle.
            </p>
            {approval.changes ? (
              <SnapshotChangesView diff={approval.changes} />
            ) : (
              <p>The approved snapshot is no longer stored, so what changed cannot be shown.</p>
            )}
          </div>
        </Callout>
      )}
    </>
  );
}

/**
 * The context side of an LLM task in the run monitor: each attempt's snapshot (hash, tokens, usage) with
 * links to the snapshot and to a diff, and what the last attempt's context was.
 */
export function LlmAttemptsPanel({
  runId,
  taskKey,
  status,
  attemptCount,
}: {
  runId: string;
  taskKey: string;
  /** The task run's status and attempt count: a change means an attempt stored a snapshot or usage. */
  status: string;
  attemptCount: number;
}) {
  const trpc = useTRPC();
  const attempts = useQuery(trpc.snapshots.attempts.queryOptions({ runId, taskKey }));
  const { refetch } = attempts;
  // biome-ignore lint/correctness/useExhaustiveDependencies: status and attemptCount are the triggers
  useEffect(() => {
    void refetch();
  }, [refetch, status, attemptCount]);
  const [open, setOpen] = useState<{ attempt: number; tab: "snapshot" | "compare" } | null>(null);

  if (attempts.isError) {
    return <Callout title="Could not load the context snapshots">{errorMessage(attempts.error)}</Callout>;
  }
  const list = attempts.data ?? [];
  const last = list.at(-1);
  const numbers = list.map((a) => a.attempt);
  return (
    <div className="flex flex-col gap-2" data-testid="llm-attempts">
      <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Context</h3>
      {last && <ContextNotices last={last} />}
      {list.length === 0 && (
        <p className="text-xs text-slate-500">
          {attempts.isPending ? "Loading…" : "No snapshot stored yet."}
        </p>
      )}
      <ul className="flex flex-col gap-1">
        {[...list].reverse().map((attempt) => (
          <li
            key={attempt.attempt}
            className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs"
            data-testid={`llm-attempt-${attempt.attempt}`}
          >
            <span className="tabular-nums">#{attempt.attempt}</span>
            <code className="font-mono text-slate-700" title={attempt.snapshot.hash}>
              {shortHash(attempt.snapshot.hash)}
            </code>
            <span className="text-slate-500 tabular-nums">
              {attempt.snapshot.usedTokens}/{attempt.snapshot.budget} context
              {attempt.usage && (
                <>
                  {" "}
                  · {attempt.usage.promptTokens} in, {attempt.usage.completionTokens} out
                </>
              )}
              {attempt.answeredBy && <> · {attempt.answeredBy}</>}
            </span>
            <span className="ml-auto flex gap-1">
              {OPENERS.map((opener) => (
                <Button
                  key={opener.tab}
                  size="sm"
                  variant="ghost"
                  onClick={() => setOpen({ attempt: attempt.attempt, tab: opener.tab })}
                >
                  {opener.label}
                </Button>
              ))}
            </span>
          </li>
        ))}
      </ul>
      {open && (
        <SnapshotDialog
          runId={runId}
          taskKey={taskKey}
          attempt={open.attempt}
          attempts={numbers}
          initialTab={open.tab}
          onClose={() => setOpen(null)}
        />
      )}
    </div>
  );
}
