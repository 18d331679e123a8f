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
  replay: "replayed",
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
            {entry.action === "rerun" && <RunLink prefix="as" runId={entry.details.rerunId} />}
            {entry.action === "rerun" && typeof entry.details.sourceRunId === "string" && (
              <>
                <RunLink prefix="run" runId={entry.details.sourceRunId} />
                {typeof entry.details.fromTask === "string"
                  ? ` from ${entry.details.fromTask}`
                  : " from failure"}
              </>
            )}
            {entry.action === "replay" && <RunLink prefix="alone, as" runId={entry.details.replayId} />}
            {entry.action === "replay" && <RunLink prefix="from run" runId={entry.details.sourceRunId} />}
            {entry.reason && <span className="text-slate-500"> — “{entry.reason}”</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** " <prefix> <link to the run>", or nothing when the entry names no run there. */
function RunLink({ prefix, runId }: { prefix: string; runId: unknown }) {
  if (typeof runId !== "string") return null;
  return (
    <>
      {" "}
      {prefix}{" "}
      <a className="underline" href={`/runs/${runId}`}>
        {runId}
      </a>
    </>
  );
}
