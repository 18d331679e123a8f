"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Button } from "../../components/ui/button.tsx";
import { cx } from "../../components/ui/class-names.ts";
import { EmptyState, ErrorState, LoadingState } from "../../components/ui/states.tsx";
import { useTRPC } from "../../trpc/react.tsx";
import type { RouterOutputs } from "../../trpc/types.ts";
import { QueuePeek } from "./queue-peek.tsx";
import { useLiveQueues } from "./use-live-queues.ts";
import { useQueueActions } from "./use-queue-actions.ts";

export type QueueItem = RouterOutputs["queues"]["list"][number];

/**
 * Every queue in use with its live depth (queued task runs) and running count, its limit and whether it is
 * paused; the selected one's next task runs in claim order, to move, reschedule or cancel.
 */
export function QueuesPage({ selected }: { selected: string | null }) {
  const trpc = useTRPC();
  const queues = useQuery(trpc.queues.list.queryOptions());
  const stream = useLiveQueues();
  const current = selected ?? queues.data?.[0]?.name ?? null;
  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto flex max-w-6xl flex-col gap-5 px-6 py-8">
        <div className="flex items-end justify-between gap-4">
          <div>
            <h1 className="text-xl font-semibold tracking-tight">Queues</h1>
            <p className="mt-1 text-sm text-slate-500">
              Workers claim queued task runs by priority, then in order. Peek at what runs next, and move,
              delay or cancel it.
            </p>
          </div>
          <span className="text-xs text-slate-500" data-testid="queues-stream">
            {stream === "live" ? "live" : stream}
          </span>
        </div>
        {queues.isPending ? (
          <LoadingState label="Loading queues…" />
        ) : queues.isError ? (
          <ErrorState
            title="Could not load the queues"
            error={queues.error}
            onRetry={() => void queues.refetch()}
          />
        ) : queues.data.length === 0 ? (
          <EmptyState title="No queues in use yet">
            A task goes to the <code className="font-mono text-xs">default</code> queue unless its plan file
            says <code className="font-mono text-xs">queue: NAME</code>; queues appear here once a run uses
            them.
          </EmptyState>
        ) : (
          <div className="grid grid-cols-[16rem_minmax(0,1fr)] items-start gap-5">
            <QueueList queues={queues.data} current={current} />
            {current !== null && (
              <QueuePeek
                queue={current}
                otherQueues={queues.data.map((queue) => queue.name).filter((name) => name !== current)}
              />
            )}
          </div>
        )}
      </div>
    </div>
  );
}

function QueueList({ queues, current }: { queues: QueueItem[]; current: string | null }) {
  const { pause, resume } = useQueueActions(() => {});
  return (
    <nav aria-label="Queues" className="flex flex-col gap-2">
      {queues.map((queue) => (
        <div
          key={queue.name}
          data-testid={`queue-${queue.name}`}
          className={cx(
            "rounded-lg border bg-white p-3 shadow-xs",
            queue.name === current ? "border-indigo-400 ring-1 ring-indigo-200" : "border-slate-200",
          )}
        >
          <div className="flex items-center justify-between gap-2">
            <Link
              href={`/queues?queue=${encodeURIComponent(queue.name)}`}
              aria-current={queue.name === current ? "page" : undefined}
              title={queue.name}
              className="min-w-0 truncate font-mono text-sm font-semibold text-slate-900 hover:text-indigo-700 hover:underline"
            >
              {queue.name}
            </Link>
            {queue.paused && (
              <span className="rounded bg-amber-100 px-1.5 py-0.5 text-[11px] font-medium text-amber-800">
                paused
              </span>
            )}
          </div>
          <dl className="mt-2 grid grid-cols-3 gap-1 text-xs">
            <div>
              <dt className="text-slate-500">Queued</dt>
              <dd className="font-semibold tabular-nums" data-testid={`queue-${queue.name}-ready`}>
                {queue.ready}
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">Running</dt>
              <dd className="font-semibold tabular-nums" data-testid={`queue-${queue.name}-running`}>
                {queue.running}
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">Limit</dt>
              <dd className="tabular-nums">{queue.concurrency ?? "none"}</dd>
            </div>
          </dl>
          <div className="mt-2 flex justify-end">
            {queue.paused ? (
              <Button
                size="sm"
                busy={resume.isPending && resume.variables?.queue === queue.name}
                aria-label={`Resume queue ${queue.name}`}
                onClick={() => resume.mutate({ queue: queue.name })}
              >
                Resume
              </Button>
            ) : (
              <Button
                size="sm"
                busy={pause.isPending && pause.variables?.queue === queue.name}
                aria-label={`Pause queue ${queue.name}`}
                onClick={() => pause.mutate({ queue: queue.name })}
              >
                Pause
              </Button>
            )}
          </div>
        </div>
      ))}
    </nav>
  );
}
