"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { Input, Select } from "../../components/ui/field.tsx";
import { EmptyState, ErrorState, LoadingState } from "../../components/ui/states.tsx";
import { formatAbsolute } from "../../components/ui/time.tsx";
import { shortRunId } from "../../runs/run-id.ts";
import { useTRPC } from "../../trpc/react.tsx";
import type { RouterOutputs } from "../../trpc/types.ts";
import { useQueueActions } from "./use-queue-actions.ts";

type QueuedRun = RouterOutputs["queues"]["peek"][number];

/** How many queued task runs the page shows. */
const PEEK_LIMIT = 100;
const DELAYS = [
  { label: "5 minutes", ms: 5 * 60_000 },
  { label: "1 hour", ms: 3_600_000 },
  { label: "1 day", ms: 24 * 3_600_000 },
] as const;

const COLUMNS =
  "grid grid-cols-[1.5rem_2rem_minmax(0,1.2fr)_minmax(0,1fr)_4.5rem_minmax(0,1fr)_minmax(0,1.3fr)] items-center gap-3";

function KeyCell({ run }: { run: QueuedRun }) {
  if (run.concurrencyKey === null) return <span className="text-slate-400">—</span>;
  const full = (run.concurrencyRunning ?? 0) >= (run.concurrencyLimit ?? 1);
  return (
    <span className="min-w-0" title={full ? "Waits: the key is at its limit" : undefined}>
      <code className="block truncate font-mono text-slate-700">{run.concurrencyKey}</code>
      <span className={full ? "text-amber-700" : "text-slate-500"}>
        {run.concurrencyRunning ?? 0}/{run.concurrencyLimit ?? 1} running{full ? " · waits" : ""}
      </span>
    </span>
  );
}

/** The next queued task runs of one queue in claim order, with a bar to act on the selected ones. */
export function QueuePeek({ queue, otherQueues }: { queue: string; otherQueues: string[] }) {
  const trpc = useTRPC();
  const peek = useQuery(trpc.queues.peek.queryOptions({ queue, limit: PEEK_LIMIT }));
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const visible = new Set((peek.data ?? []).map((run) => run.id));
  // Rows that left the queue (claimed, moved elsewhere) are not selected any more.
  const chosen = [...selected].filter((id) => visible.has(id));
  const clear = () => setSelected(new Set());
  const toggle = (id: number) =>
    setSelected((before) => {
      const next = new Set(before);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <section
      aria-label={`Queue ${queue}`}
      className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-xs"
    >
      <header className="flex items-center justify-between gap-3 border-b border-slate-200 px-4 py-3">
        <div>
          <h2 className="font-mono text-sm font-semibold">{queue}</h2>
          <p className="text-xs text-slate-500">Next task runs, in the order workers claim them.</p>
        </div>
      </header>
      <ActionBar queue={queue} chosen={chosen} otherQueues={otherQueues} onDone={clear} />
      <div
        className={`${COLUMNS} border-b border-slate-200 bg-slate-50 px-4 py-2 text-xs font-medium tracking-wide text-slate-500 uppercase`}
      >
        <input
          type="checkbox"
          aria-label="Select all"
          checked={chosen.length > 0 && chosen.length === visible.size}
          onChange={(event) => setSelected(event.target.checked ? new Set(visible) : new Set())}
        />
        <span>#</span>
        <span>Task</span>
        <span>Run</span>
        <span>Priority</span>
        <span>Not before</span>
        <span>Concurrency key</span>
      </div>
      {peek.isPending ? (
        <LoadingState label="Loading the queue…" />
      ) : peek.isError ? (
        <ErrorState title="Could not peek the queue" error={peek.error} onRetry={() => void peek.refetch()} />
      ) : peek.data.length === 0 ? (
        <EmptyState title="Nothing queued">Task runs appear here when they are ready to run.</EmptyState>
      ) : (
        <ol className="divide-y divide-slate-100" data-testid="queue-peek">
          {peek.data.map((run, index) => (
            <li key={run.id} data-testid={`queued-${run.taskKey}`} className={`${COLUMNS} px-4 py-2 text-xs`}>
              <input
                type="checkbox"
                aria-label={`Select ${run.taskKey} of ${run.runId}`}
                checked={selected.has(run.id)}
                onChange={() => toggle(run.id)}
              />
              <span className="text-slate-500 tabular-nums">{index + 1}</span>
              <span className="min-w-0">
                <Link
                  href={`/runs/${run.runId}?task=${encodeURIComponent(run.taskKey)}`}
                  className="block truncate font-mono font-semibold text-slate-900 hover:text-indigo-700 hover:underline"
                >
                  {run.taskKey}
                </Link>
                <span className="block truncate text-slate-500">{run.planSlug}</span>
              </span>
              <span className="truncate font-mono text-slate-600" title={run.runId}>
                {shortRunId(run.runId)}
              </span>
              <span className="font-semibold tabular-nums" data-testid="queued-priority">
                {run.priority}
              </span>
              <span className="text-slate-600">
                {run.notBefore === null ? "—" : formatAbsolute(run.notBefore)}
              </span>
              <KeyCell run={run} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function ActionBar({
  queue,
  chosen,
  otherQueues,
  onDone,
}: {
  queue: string;
  chosen: number[];
  otherQueues: string[];
  onDone: () => void;
}) {
  const { move, reschedule, cancel } = useQueueActions(onDone);
  const [target, setTarget] = useState("");
  const [delay, setDelay] = useState<string>(String(DELAYS[0].ms));
  const [confirming, setConfirming] = useState(false);
  const none = chosen.length === 0;
  const selection = { queue, taskRunIds: chosen };
  const submitMove = (event: FormEvent) => {
    event.preventDefault();
    if (!none && target.trim() !== "") move.mutate({ selection, toQueue: target.trim() });
  };
  return (
    <div className="flex flex-wrap items-center gap-3 border-b border-slate-200 bg-slate-50/60 px-4 py-2 text-xs">
      <span className="text-slate-600" data-testid="selected-count">
        {none ? "Select task runs to act on them" : `${chosen.length} selected`}
      </span>
      <form className="flex items-center gap-1.5" onSubmit={submitMove}>
        <Input
          aria-label="Move to queue"
          placeholder="to queue…"
          list="known-queues"
          value={target}
          onChange={(event) => setTarget(event.target.value)}
          className="h-7 w-32 text-xs"
        />
        <datalist id="known-queues">
          {otherQueues.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <Button size="sm" type="submit" disabled={none || target.trim() === ""} busy={move.isPending}>
          Move
        </Button>
      </form>
      <span className="flex items-center gap-1.5">
        <Select
          aria-label="Delay"
          value={delay}
          onChange={(event) => setDelay(event.target.value)}
          className="h-7 w-32 text-xs"
        >
          {DELAYS.map((option) => (
            <option key={option.ms} value={String(option.ms)}>
              in {option.label}
            </option>
          ))}
          <option value="now">now</option>
        </Select>
        <Button
          size="sm"
          disabled={none}
          busy={reschedule.isPending}
          onClick={() =>
            reschedule.mutate({ selection, to: delay === "now" ? null : { delayMs: Number(delay) } })
          }
        >
          Reschedule
        </Button>
      </span>
      <Button
        size="sm"
        variant="danger"
        disabled={none}
        onClick={() => setConfirming(true)}
        className="ml-auto"
      >
        Cancel…
      </Button>
      <Dialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title={`Cancel ${chosen.length} queued task run${chosen.length === 1 ? "" : "s"}?`}
        description="They will not run; tasks that require them are blocked, and their runs end failed."
        size="sm"
        footer={
          <>
            <Button onClick={() => setConfirming(false)}>Keep them</Button>
            <Button
              variant="danger"
              busy={cancel.isPending}
              onClick={() => {
                cancel.mutate({ selection }, { onSettled: () => setConfirming(false) });
              }}
            >
              Cancel task runs
            </Button>
          </>
        }
      >
        <p className="text-sm text-slate-600">From queue {queue}.</p>
      </Dialog>
    </div>
  );
}
