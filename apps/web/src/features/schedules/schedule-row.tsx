"use client";

import Link from "next/link";
import { StatusPill } from "../../components/status/status-pill.tsx";
import { Button } from "../../components/ui/button.tsx";
import { PlayIcon } from "../../components/ui/icons.tsx";
import { formatAbsolute, RelativeTime } from "../../components/ui/time.tsx";
import { shortRunId } from "../../runs/run-id.ts";
import type { RouterOutputs } from "../../trpc/types.ts";
import { useScheduleActions } from "./use-schedule-actions.ts";

export type ScheduleItem = RouterOutputs["schedules"]["list"][number];

/** What a schedule is doing, in one word or two. */
export function scheduleState(schedule: ScheduleItem): string {
  if (!schedule.enabled) return "Paused";
  if (schedule.nextFireAt === null) return "Done";
  return schedule.queuedFires.length > 0 ? `${schedule.queuedFires.length} queued` : "Active";
}

/** The schedule's next fire times: the first relative, all of them exact on hover. */
export function NextFires({ schedule }: { schedule: ScheduleItem }) {
  const [next, ...later] = schedule.upcoming;
  if (next === undefined) return <span className="text-xs text-slate-400">—</span>;
  return (
    <span className="flex flex-col text-xs">
      <span className="text-slate-800" title={formatAbsolute(next)}>
        {formatAbsolute(next)}
      </span>
      <span className="text-slate-500">
        <RelativeTime at={next} />
        {later.length > 0 && ` · then ${later.map((at) => formatAbsolute(at)).join(", ")}`}
      </span>
    </span>
  );
}

/** Pause or resume, and trigger a run now. */
export function ScheduleActions({ schedule }: { schedule: ScheduleItem }) {
  const { pause, resume, trigger } = useScheduleActions();
  const label = schedule.name ?? schedule.description;
  return (
    <span className="flex justify-end gap-2">
      {schedule.enabled ? (
        <Button
          size="sm"
          busy={pause.isPending}
          aria-label={`Pause ${label}`}
          onClick={() => pause.mutate({ ref: schedule.id })}
        >
          Pause
        </Button>
      ) : (
        <Button
          size="sm"
          busy={resume.isPending}
          aria-label={`Resume ${label}`}
          onClick={() => resume.mutate({ ref: schedule.id })}
        >
          Resume
        </Button>
      )}
      <Button
        size="sm"
        variant="primary"
        icon={<PlayIcon size={12} />}
        busy={trigger.isPending}
        aria-label={`Trigger ${label} now`}
        onClick={() => trigger.mutate({ ref: schedule.id })}
      >
        Trigger
      </Button>
    </span>
  );
}

/** The run a schedule started last, linked to its monitor. */
export function LastRun({ schedule }: { schedule: ScheduleItem }) {
  if (schedule.lastRun === null) return <span className="text-xs text-slate-400">Never fired</span>;
  return (
    <Link href={`/runs/${schedule.lastRun.id}`} className="flex items-center gap-2 hover:underline">
      <StatusPill status={schedule.lastRun.status} size="sm" />
      <span className="font-mono text-xs text-slate-500">{shortRunId(schedule.lastRun.id)}</span>
    </Link>
  );
}
