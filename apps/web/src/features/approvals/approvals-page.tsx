"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback } from "react";
import { ListTable } from "../../components/ui/list-table.tsx";
import { EmptyState, ErrorState, LoadingState } from "../../components/ui/states.tsx";
import { formatAbsolute, RelativeTime } from "../../components/ui/time.tsx";
import { shortRunId } from "../../runs/run-id.ts";
import { useTRPC } from "../../trpc/react.tsx";
import { useEventStream } from "../live/use-event-stream.ts";

const TASK_EVENTS = { only: ["task_run"] as "task_run"[] };
const COLUMNS = "grid grid-cols-[10rem_8rem_10rem_minmax(0,1fr)_9rem_11rem] items-center gap-3";

/**
 * The inbox: every approval waiting for a decision, across runs, oldest first, each linking to its run with
 * the task open (where the form and the Approve / Reject buttons are). Live: a task run change anywhere
 * (a new approval waiting, a decision from the CLI or another tab) refreshes the list.
 */
export function ApprovalsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const approvals = useQuery(trpc.approvals.list.queryOptions());
  const refresh = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: trpc.approvals.list.pathKey() }),
    [queryClient, trpc],
  );
  const refreshOnChange = useCallback(
    (events: { toStatus: string | null; fromStatus: string | null }[]) => {
      if (events.some((event) => event.toStatus === "waiting" || event.fromStatus === "waiting")) refresh();
    },
    [refresh],
  );
  useEventStream(TASK_EVENTS, refreshOnChange, refresh);
  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto flex max-w-6xl flex-col gap-5 px-6 py-8">
        <div>
          <h1 className="text-xl font-semibold tracking-tight">Approvals</h1>
          <p className="mt-1 text-sm text-slate-500">
            Approval tasks waiting for a person. Open one to fill its form and approve or reject it; its run
            goes on as soon as you decide.
          </p>
        </div>
        {approvals.isPending ? (
          <LoadingState label="Loading approvals…" />
        ) : approvals.isError ? (
          <ErrorState
            title="Could not load the approvals"
            error={approvals.error}
            onRetry={() => void approvals.refetch()}
          />
        ) : approvals.data.length === 0 ? (
          <EmptyState title="Nothing waits for approval">
            A <code className="font-mono text-xs">kind: approval</code> task shows up here while its run waits
            for a decision.
          </EmptyState>
        ) : (
          <ListTable
            label="Waiting approvals"
            columns={COLUMNS}
            headings={["Plan", "Run", "Task", "Prompt", "Waiting", "Timeout"]}
          >
            <ul className="divide-y divide-slate-100">
              {approvals.data.map((approval) => (
                <li
                  key={approval.taskRunId}
                  className={`${COLUMNS} px-4 py-2.5 text-sm`}
                  data-testid="approval-row"
                >
                  <Link
                    href={`/plans/${approval.planSlug}`}
                    className="truncate text-slate-700 hover:underline"
                  >
                    {approval.planName}
                  </Link>
                  <Link
                    href={`/runs/${approval.runId}`}
                    className="font-mono text-xs text-slate-600 hover:underline"
                  >
                    {shortRunId(approval.runId)}
                  </Link>
                  <Link
                    href={`/runs/${approval.runId}?task=${encodeURIComponent(approval.taskKey)}`}
                    className="truncate font-mono font-semibold text-fuchsia-800 hover:underline"
                  >
                    {approval.taskName}
                  </Link>
                  <span className="truncate text-slate-700">{approval.prompt ?? "—"}</span>
                  <RelativeTime at={approval.waitingSince} className="text-xs text-slate-500" />
                  <span className="text-xs text-slate-500">
                    {approval.deadline === null
                      ? "none"
                      : `${approval.onTimeout} at ${formatAbsolute(approval.deadline)}`}
                  </span>
                </li>
              ))}
            </ul>
          </ListTable>
        )}
      </div>
    </div>
  );
}
