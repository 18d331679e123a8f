"use client";

import { useQuery } from "@tanstack/react-query";
import { formatAbsolute } from "../../components/ui/time.tsx";
import { useTRPC } from "../../trpc/react.tsx";

const VERBS: Record<string, string> = {
  resolve: "resolved",
  skip: "skipped",
  "reset-attempts": "reset the attempts of",
  cancel: "cancelled",
  retry: "retried",
  rerun: "reran",
  approve: "approved",
  reject: "rejected",
};

/**
 * The run's audit trail: every operator action with who, why and when. Live: the run monitor's event stream
 * refreshes it when an action is recorded on the run, wherever it was taken (this tab, another one, the CLI,
 * the API; see `useLiveRun`), and the actions menu of this tab refreshes it too.
 */
export function RunAuditTrail({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const trail = useQuery(trpc.taskRuns.auditTrail.queryOptions({ runId }));
  const entries = trail.data ?? [];
  if (entries.length === 0) return null;
  return (
    <section aria-label="Audit trail" className="mt-4" data-testid="audit-trail">
      <h3 className="mb-1.5 text-xs font-semibold tracking-wide text-slate-500 uppercase">Audit trail</h3>
      <ol className="flex flex-col gap-1.5 text-xs text-slate-700">
        {entries.map((entry) => (
          <li key={entry.eventId} data-testid="audit-entry">
            <span className="text-slate-500">{formatAbsolute(entry.at)}</span>{" "}
            <span className="font-medium">{entry.actor}</span> {VERBS[entry.action] ?? entry.action}{" "}
            {entry.taskKey ? <code className="font-mono">{entry.taskKey}</code> : null}
            {entry.action === "rerun" && typeof entry.details.rerunId === "string" && (
              <>
                {" "}
                as{" "}
                <a className="underline" href={`/runs/${entry.details.rerunId}`}>
                  {entry.details.rerunId}
                </a>
              </>
            )}
            {entry.action === "rerun" && typeof entry.details.sourceRunId === "string" && (
              <>
                {" "}
                run{" "}
                <a className="underline" href={`/runs/${entry.details.sourceRunId}`}>
                  {entry.details.sourceRunId}
                </a>
                {typeof entry.details.fromTask === "string"
                  ? ` from ${entry.details.fromTask}`
                  : " from failure"}
              </>
            )}
            {entry.reason && <span className="text-slate-500"> — “{entry.reason}”</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}
