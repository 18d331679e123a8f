"use client";

import { useQuery } from "@tanstack/react-query";
import { EmptyState, ErrorState, LoadingState } from "../../components/ui/states.tsx";
import { useTRPC } from "../../trpc/react.tsx";
import { AddScheduleButton, LastRun, NextFires, ScheduleActions, scheduleState } from "./schedule-row.tsx";

/**
 * One plan's schedules, for a side panel: rule, next fire times, last run; add, edit, pause/resume, trigger
 * and remove.
 */
export function PlanSchedulesList({ planSlug }: { planSlug: string }) {
  return (
    <div className="flex flex-col gap-2">
      <span className="flex justify-end pt-2">
        <AddScheduleButton planSlug={planSlug} />
      </span>
      <PlanSchedules planSlug={planSlug} />
    </div>
  );
}

function PlanSchedules({ planSlug }: { planSlug: string }) {
  const trpc = useTRPC();
  const schedules = useQuery({ ...trpc.schedules.byPlan.queryOptions({ planSlug }), refetchInterval: 5000 });
  if (schedules.isPending) return <LoadingState label="Loading schedules…" />;
  if (schedules.isError)
    return (
      <ErrorState
        title="Could not load schedules"
        error={schedules.error}
        onRetry={() => void schedules.refetch()}
      />
    );
  if (schedules.data.length === 0)
    return (
      <EmptyState title="No schedules">
        Add one here, or a `schedules:` list to the plan file, to run it on a timetable.
      </EmptyState>
    );
  return (
    <ul className="-mx-1 flex flex-col gap-1" aria-label="Schedules of this plan">
      {schedules.data.map((schedule) => (
        <li
          key={schedule.id}
          data-testid={`schedule-row-${schedule.id}`}
          className="flex flex-col gap-1.5 rounded-md px-1 py-2"
        >
          <span className="flex items-center justify-between gap-2">
            <span className="truncate font-mono text-xs text-slate-800">
              {schedule.name ? `${schedule.name}: ` : ""}
              {schedule.description}
            </span>
            <span className="text-xs text-slate-500">{scheduleState(schedule)}</span>
          </span>
          <NextFires schedule={schedule} />
          <span className="flex items-center justify-between gap-2">
            <LastRun schedule={schedule} />
            <ScheduleActions schedule={schedule} />
          </span>
        </li>
      ))}
    </ul>
  );
}
