"use client";

import Link from "next/link";
import { useState } from "react";
import { StatusPill } from "../../components/status/status-pill.tsx";
import { Button } from "../../components/ui/button.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { PlayIcon, TrashIcon } from "../../components/ui/icons.tsx";
import { formatAbsolute, RelativeTime } from "../../components/ui/time.tsx";
import { shortRunId } from "../../runs/run-id.ts";
import type { RouterOutputs } from "../../trpc/types.ts";
import { ScheduleFormDialog } from "./schedule-form-dialog.tsx";
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

/** Edit, pause or resume, trigger a run now, and remove (after a confirmation). */
export function ScheduleActions({ schedule }: { schedule: ScheduleItem }) {
  const { pause, resume, trigger, remove } = useScheduleActions();
  const [editing, setEditing] = useState(false);
  const [removing, setRemoving] = useState(false);
  const label = schedule.name ?? schedule.description;
  return (
    <span className="flex flex-wrap justify-end gap-2">
      <Button size="sm" variant="ghost" aria-label={`Edit ${label}`} onClick={() => setEditing(true)}>
        Edit
      </Button>
      {/* Mounted only while open: each opening starts from the schedule as it is now. */}
      {editing && (
        <ScheduleFormDialog
          open
          onClose={() => setEditing(false)}
          planSlug={schedule.planSlug}
          schedule={schedule}
        />
      )}
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
      <Button
        size="sm"
        variant="ghost"
        className="text-rose-600 hover:bg-rose-50"
        icon={<TrashIcon size={12} />}
        aria-label={`Remove ${label}`}
        onClick={() => setRemoving(true)}
      />
      <Dialog
        open={removing}
        onClose={() => setRemoving(false)}
        size="sm"
        title={`Remove schedule ${label}?`}
        description={
          schedule.source === "file"
            ? "It comes from the plan file: importing the file again adds it back."
            : "It stops firing. Runs it started are kept."
        }
        footer={
          <>
            <Button onClick={() => setRemoving(false)}>Cancel</Button>
            <Button
              variant="danger"
              busy={remove.isPending}
              onClick={() => remove.mutate({ ref: schedule.id }, { onSuccess: () => setRemoving(false) })}
            >
              Remove
            </Button>
          </>
        }
      >
        <p className="text-sm text-slate-600">{schedule.description}</p>
      </Dialog>
    </span>
  );
}

/** "Add schedule": opens the schedule form for `planSlug`, or with a plan to choose when null. */
export function AddScheduleButton({ planSlug }: { planSlug: string | null }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" variant="primary" onClick={() => setOpen(true)}>
        Add schedule
      </Button>
      {open && <ScheduleFormDialog open onClose={() => setOpen(false)} planSlug={planSlug} />}
    </>
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
