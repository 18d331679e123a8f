"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { StatusPill } from "../../components/status/status-pill.tsx";
import { cx } from "../../components/ui/class-names.ts";
import { EmptyState, ErrorState, LoadingState } from "../../components/ui/states.tsx";
import { RelativeTime, useNow } from "../../components/ui/time.tsx";
import { elapsedMs, formatElapsed } from "../../graph/run-progress.ts";
import { shortRunId } from "../../runs/run-id.ts";
import { useTRPC } from "../../trpc/react.tsx";

/** The plan's past runs; each opens in the run monitor, and can be shown on this canvas. */
export function PlanRunsList({
  planSlug,
  overlayRunId,
  onOverlay,
}: {
  planSlug: string;
  overlayRunId: string | null;
  onOverlay: (runId: string | null) => void;
}) {
  const trpc = useTRPC();
  const runs = useQuery(trpc.runs.list.queryOptions({ planSlug, limit: 30 }));
  const now = useNow(1000);
  if (runs.isPending) return <LoadingState label="Loading runs…" />;
  if (runs.isError)
    return <ErrorState title="Could not load runs" error={runs.error} onRetry={() => void runs.refetch()} />;
  if (runs.data.items.length === 0) {
    return (
      <EmptyState title="No runs yet">
        Press Run to execute this plan; its runs will be listed here.
      </EmptyState>
    );
  }
  return (
    <ul className="-mx-1 flex flex-col" aria-label="Runs of this plan">
      {runs.data.items.map((run) => {
        const shown = overlayRunId === run.id;
        return (
          <li
            key={run.id}
            className={cx("flex items-center gap-2 rounded-md px-1 py-2", shown && "bg-indigo-50")}
          >
            <Link
              href={`/runs/${run.id}`}
              className="flex min-w-0 flex-1 flex-col gap-0.5 hover:underline"
              aria-label={`Run ${shortRunId(run.id)}, ${run.status}`}
            >
              <span className="flex items-center gap-2">
                <StatusPill status={run.status} size="sm" />
                <span className="font-mono text-xs text-slate-500">{shortRunId(run.id)}</span>
              </span>
              <span className="text-xs text-slate-500">
                <RelativeTime at={run.createdAt} /> · {run.trigger} · {formatElapsed(elapsedMs(run, now))}
              </span>
            </Link>
            <button
              type="button"
              aria-pressed={shown}
              onClick={() => onOverlay(shown ? null : run.id)}
              className={cx(
                "rounded px-2 py-1 text-xs font-medium",
                shown ? "bg-indigo-600 text-white" : "text-slate-600 ring-1 ring-slate-300 hover:bg-slate-50",
              )}
            >
              {shown ? "Shown" : "Show"}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
