"use client";

import { useQuery } from "@tanstack/react-query";
import type { WorkerStatus } from "@taskloom/core";
import { cx } from "../../components/ui/class-names.ts";
import { ListTable } from "../../components/ui/list-table.tsx";
import { EmptyState, ErrorState, LoadingState } from "../../components/ui/states.tsx";
import { RelativeTime } from "../../components/ui/time.tsx";
import { useTRPC } from "../../trpc/react.tsx";

const COLUMNS = "grid grid-cols-[minmax(0,1.4fr)_5rem_minmax(0,1fr)_6rem_7rem_9rem_5rem] items-center gap-4";

/** How often the list is read again while the page is open: heartbeats come every few seconds. */
const REFRESH_MS = 2000;

/**
 * Every registered worker, on any host: where it runs, what it takes (queues, concurrency), what it runs now,
 * when it was last seen (its last heartbeat), and whether it is alive or lost (silent for longer than a lease).
 */
export function WorkersPage() {
  const trpc = useTRPC();
  const workers = useQuery({ ...trpc.workers.list.queryOptions(), refetchInterval: REFRESH_MS });
  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto flex max-w-6xl flex-col gap-5 px-6 py-8">
        <div>
          <h1 className="text-xl font-semibold tracking-tight">Workers</h1>
          <p className="mt-1 text-sm text-slate-500">
            Processes that claim and run tasks, on this host or any other using the same database. Start one
            with <code className="rounded bg-slate-100 px-1 font-mono text-xs">taskloom worker</code>; a lost
            worker's tasks are taken back by the others once its leases expire. A lost worker stays listed
            with when it was last seen until it has been silent for 24 hours (
            <code className="rounded bg-slate-100 px-1 font-mono text-xs">TASKLOOM_WORKER_RETENTION_MS</code>
            ), then the others forget it.
          </p>
        </div>
        <ListTable
          label="Workers"
          columns={COLUMNS}
          headings={["Host", "PID", "Queues", "Running", "Started", "Last seen", "State"]}
        >
          {workers.isPending ? (
            <LoadingState label="Loading workers…" />
          ) : workers.isError ? (
            <ErrorState
              title="Could not load the workers"
              error={workers.error}
              onRetry={() => void workers.refetch()}
            />
          ) : workers.data.length === 0 ? (
            <EmptyState title="No worker is registered">
              Runs stay queued until one starts: run{" "}
              <code className="font-mono text-xs">taskloom worker</code>, or{" "}
              <code className="font-mono text-xs">taskloom start</code> without{" "}
              <code className="font-mono text-xs">--no-worker</code>.
            </EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100">
              {workers.data.map((worker) => (
                <WorkerRow key={worker.id} worker={worker} />
              ))}
            </ul>
          )}
        </ListTable>
      </div>
    </div>
  );
}

function WorkerRow({ worker }: { worker: WorkerStatus }) {
  return (
    <li data-testid={`worker-row-${worker.id}`} data-state={worker.state} className={`${COLUMNS} px-4 py-3`}>
      <span className="min-w-0">
        <span className="block truncate text-sm font-semibold text-slate-900">{worker.host}</span>
        <span className="block truncate font-mono text-xs text-slate-500" title={worker.id}>
          {worker.id}
        </span>
      </span>
      <span className="font-mono text-xs text-slate-700">{worker.pid}</span>
      <span className="min-w-0 truncate font-mono text-xs text-slate-700">
        {worker.queues.length === 0 ? "every queue" : worker.queues.join(", ")}
        {worker.handlers.length > 0 && (
          <span className="block truncate text-slate-500" title="function handlers it runs">
            handlers: {worker.handlers.join(", ")}
          </span>
        )}
      </span>
      <span className="text-sm text-slate-700" title="attempts running / concurrency">
        {worker.running} / {worker.concurrency}
      </span>
      <RelativeTime at={worker.startedAt} className="text-xs text-slate-500" />
      <span data-testid="worker-last-seen" className="text-xs text-slate-500">
        <RelativeTime at={worker.heartbeatAt} />
      </span>
      <span
        className={cx(
          "w-fit rounded-full px-2 py-0.5 text-xs font-medium",
          worker.state === "alive" ? "bg-emerald-50 text-emerald-700" : "bg-rose-50 text-rose-700",
        )}
      >
        {worker.state === "alive" ? "Alive" : "Lost"}
      </span>
    </li>
  );
}
