"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ListTable } from "../../components/ui/list-table.tsx";
import { EmptyState, ErrorState, LoadingState } from "../../components/ui/states.tsx";
import { useTRPC } from "../../trpc/react.tsx";
import { AddScheduleButton, LastRun, NextFires, ScheduleActions, scheduleState } from "./schedule-row.tsx";

const COLUMNS =
  "grid grid-cols-[minmax(0,1fr)_minmax(0,1.2fr)_minmax(0,1.4fr)_9rem_5rem_15rem] items-center gap-4";

/** Every schedule of every plan: rule, next fire times, last run, state; pause, resume or trigger each. */
export function SchedulesPage() {
  const trpc = useTRPC();
  // Fire times move on by themselves: refresh every few seconds so "next" and "last run" stay true.
  const schedules = useQuery({ ...trpc.schedules.list.queryOptions(), refetchInterval: 5000 });
  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto flex max-w-6xl flex-col gap-5 px-6 py-8">
        <div className="flex items-start justify-between gap-4">
          <div>
            <h1 className="text-xl font-semibold tracking-tight">Schedules</h1>
            <p className="mt-1 text-sm text-slate-500">
              Runs started by cron, interval or time. Workers fire them; add them in a plan file's{" "}
              <code className="rounded bg-slate-100 px-1 font-mono text-xs">schedules:</code> or with{" "}
              <code className="rounded bg-slate-100 px-1 font-mono text-xs">taskloom schedule add</code>, or
              here.
            </p>
          </div>
          <AddScheduleButton planSlug={null} />
        </div>
        <ListTable
          label="Schedules"
          columns={COLUMNS}
          headings={["Plan", "Rule", "Next fires", "Last run", "State"]}
          actionsHeading="Actions"
        >
          {schedules.isPending ? (
            <LoadingState label="Loading schedules…" />
          ) : schedules.isError ? (
            <ErrorState
              title="Could not load the schedules"
              error={schedules.error}
              onRetry={() => void schedules.refetch()}
            />
          ) : schedules.data.length === 0 ? (
            <EmptyState title="No schedules yet">
              Add <code className="font-mono text-xs">schedules: [{"{ every: 1h }"}]</code> to a plan file and
              import it, or run{" "}
              <code className="font-mono text-xs">taskloom schedule add PLAN --cron "0 2 * * *"</code>, or use
              Add schedule.
            </EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100">
              {schedules.data.map((schedule) => (
                <li
                  key={schedule.id}
                  data-testid={`schedule-row-${schedule.id}`}
                  className={`${COLUMNS} px-4 py-3`}
                >
                  <span className="min-w-0">
                    <Link
                      href={`/plans/${schedule.planSlug}`}
                      className="block truncate text-sm font-semibold text-slate-900 hover:text-indigo-700 hover:underline"
                    >
                      {schedule.planSlug}
                    </Link>
                    <span className="block truncate font-mono text-xs text-slate-500">
                      {schedule.name ?? schedule.id}
                      {schedule.source === "file" ? " · plan file" : ""}
                    </span>
                  </span>
                  <span className="min-w-0 truncate font-mono text-xs text-slate-700">
                    {schedule.description}
                  </span>
                  <NextFires schedule={schedule} />
                  <LastRun schedule={schedule} />
                  <span className="text-xs text-slate-600">{scheduleState(schedule)}</span>
                  <ScheduleActions schedule={schedule} />
                </li>
              ))}
            </ul>
          )}
        </ListTable>
      </div>
    </div>
  );
}
