"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import {
  Panel as FlowPanel,
  type OnSelectionChangeParams,
  ReactFlowProvider,
  useEdgesState,
  useNodesState,
  useReactFlow,
} from "@xyflow/react";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useHealth } from "../../components/app-shell/worker-status.tsx";
import { StatusPill } from "../../components/status/status-pill.tsx";
import { Button } from "../../components/ui/button.tsx";
import { cx } from "../../components/ui/class-names.ts";
import { Dialog } from "../../components/ui/dialog.tsx";
import { ChevronLeftIcon, ListIcon, StopIcon } from "../../components/ui/icons.tsx";
import { Spinner } from "../../components/ui/spinner.tsx";
import { Callout, EmptyState, ErrorState, PageSkeleton } from "../../components/ui/states.tsx";
import { formatAbsolute, RelativeTime } from "../../components/ui/time.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { type LinkEdge, type TaskNode, toLinkEdges, toTaskNodes } from "../../graph/flow-elements.ts";
import { type LayoutPositions, NODE_HEIGHT, NODE_WIDTH } from "../../graph/layout.ts";
import { layoutInWorker } from "../../graph/layout-client.ts";
import { kindsIn } from "../../graph/link-styles.ts";
import { isFinishedRunStatus } from "../../graph/run-progress.ts";
import { createTaskStatusStore } from "../../graph/task-status-store.ts";
import { shortRunId } from "../../runs/run-id.ts";
import { sweepProgress } from "../../runs/sweep-results.ts";
import { errorCodeOf, errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";
import type { RunDetail } from "../../trpc/types.ts";
import { WaitingApprovalsBanner } from "../approvals/waiting-approvals-banner.tsx";
import { GraphCanvas } from "../graph-canvas/graph-canvas.tsx";
import { LinkLegend } from "../graph-canvas/link-legend.tsx";
import { createSweepProgressStore, SweepProgressProvider } from "../graph-canvas/sweep-progress-context.tsx";
import { TaskStatusProvider } from "../graph-canvas/task-status-context.tsx";
import { useFitToStart } from "../graph-canvas/use-fit-to-start.ts";
import { parentsOf, useGroupExpansion } from "../graph-canvas/use-group-expansion.ts";
import type { StreamState } from "../live/use-event-stream.ts";
import { RunPlanButton } from "../plans/run-plan-button.tsx";
import { RunAuditTrail } from "./run-audit-trail.tsx";
import { RunProgressHeader } from "./run-progress-header.tsx";
import { RunTimeline } from "./run-timeline.tsx";
import { TaskRunDetails } from "./task-run-details.tsx";
import { useHandlerWaitRefresh } from "./use-handler-wait-refresh.ts";
import { useLiveRun } from "./use-live-run.ts";

function StreamBadge({ state, finished }: { state: StreamState; finished: boolean }) {
  if (finished) return null;
  const live = state === "live";
  return (
    <span
      className={cx("inline-flex items-center gap-1.5 text-xs", live ? "text-emerald-700" : "text-amber-700")}
      title={
        live
          ? "Updates stream in as they happen"
          : "Reconnecting to the event stream; nothing is lost meanwhile"
      }
    >
      <span
        className={cx("size-1.5 rounded-full", live ? "animate-status-pulse bg-emerald-500" : "bg-amber-500")}
        aria-hidden="true"
      />
      {live ? "Live" : state === "connecting" ? "Connecting…" : "Reconnecting…"}
    </span>
  );
}

/** The frozen graph of the run on the canvas, placed like the plan (or laid out when it has no positions). */
function useRunGraph(run: RunDetail) {
  const trpc = useTRPC();
  const fitToStart = useFitToStart();
  const plan = useQuery({ ...trpc.plans.get.queryOptions({ slug: run.planSlug }), retry: false });
  const [nodes, setNodes, onNodesChange] = useNodesState<TaskNode>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<LinkEdge>([]);
  const [layingOut, setLayingOut] = useState(false);
  const planSettled = !plan.isPending;
  const { tasks, links } = run.graph;

  useEffect(() => {
    if (!planSettled) return;
    let cancelled = false;
    const stored: LayoutPositions = {};
    for (const task of plan.data?.tasks ?? []) if (task.position) stored[task.key] = task.position;
    const graphTasks = tasks.map((task) => ({ key: task.key, name: task.name, kind: task.kind }));
    setEdges(toLinkEdges(links));
    const complete = graphTasks.every((task) => stored[task.key] !== undefined);
    if (complete) {
      const placed = toTaskNodes(graphTasks, stored);
      setNodes(placed);
      fitToStart(placed);
      return;
    }
    // The run's frozen graph differs from the plan's layout (or the plan has none): lay it out, unsaved.
    setLayingOut(true);
    layoutInWorker({ keys: graphTasks.map((task) => task.key), links })
      .then((positions) => {
        if (cancelled) return;
        const laidOut = toTaskNodes(graphTasks, { ...positions, ...stored });
        setNodes(laidOut);
        fitToStart(laidOut);
      })
      .catch((error: unknown) => {
        if (!cancelled) {
          setNodes(toTaskNodes(graphTasks, stored));
          toast.error("Auto-layout failed", errorMessage(error));
        }
      })
      .finally(() => {
        if (!cancelled) setLayingOut(false);
      });
    return () => {
      cancelled = true;
    };
  }, [planSettled, plan.data, tasks, links, setNodes, setEdges, fitToStart]);

  return { nodes, edges, setNodes, onNodesChange, onEdgesChange, layingOut, planName: plan.data?.name };
}

function CancelRunButton({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const [confirming, setConfirming] = useState(false);
  const cancel = useMutation(
    trpc.runs.cancel.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        toast.info("Cancelling the run", "Running tasks get SIGTERM, then SIGKILL after a grace period.");
      },
      onError: (error) => toast.error("Could not cancel the run", errorMessage(error)),
    }),
  );
  return (
    <>
      <Button size="sm" variant="danger" icon={<StopIcon size={12} />} onClick={() => setConfirming(true)}>
        Cancel run
      </Button>
      <Dialog
        open={confirming}
        onClose={() => setConfirming(false)}
        size="sm"
        title="Cancel this run?"
        footer={
          <>
            <Button onClick={() => setConfirming(false)}>Keep running</Button>
            <Button
              variant="danger"
              busy={cancel.isPending}
              onClick={() => cancel.mutate({ runId })}
              data-autofocus
            >
              Cancel run
            </Button>
          </>
        }
      >
        <p className="text-sm text-slate-600">
          Running tasks are stopped and tasks that have not started are cancelled. Finished tasks keep their
          results.
        </p>
      </Dialog>
    </>
  );
}

function RunSummaryPanel({ run, onOpen }: { run: RunDetail; onOpen: (key: string) => void }) {
  const attention = run.tasks.filter(
    (task) => task.status === "failed" || task.status === "running" || task.status === "retrying",
  );
  const params = Object.entries(run.params);
  return (
    <div className="flex flex-col gap-5">
      <p className="text-sm text-slate-500">
        Select a task on the graph or the timeline to see its attempts, output and log.
      </p>
      {attention.length > 0 && (
        <div>
          <h3 className="mb-1.5 text-xs font-semibold tracking-wide text-slate-500 uppercase">
            Needs a look
          </h3>
          <ul className="flex flex-col">
            {attention.map((task) => (
              <li key={task.key}>
                <button
                  type="button"
                  onClick={() => onOpen(task.key)}
                  className="flex w-full items-center justify-between gap-2 rounded px-1 py-1.5 text-left hover:bg-slate-100"
                >
                  <span className="truncate font-mono text-xs font-semibold">{task.key}</span>
                  <StatusPill status={task.status} size="sm" />
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-xs">
        <dt className="text-slate-500">Run</dt>
        <dd className="font-mono break-all">{run.id}</dd>
        <dt className="text-slate-500">Plan version</dt>
        <dd>v{run.planVersion}</dd>
        <dt className="text-slate-500">Trigger</dt>
        <dd>{run.trigger}</dd>
        <dt className="text-slate-500">Created</dt>
        <dd>{formatAbsolute(run.createdAt)}</dd>
        {run.finishedAt !== null && (
          <>
            <dt className="text-slate-500">Finished</dt>
            <dd>{formatAbsolute(run.finishedAt)}</dd>
          </>
        )}
      </dl>
      {params.length > 0 && (
        <div>
          <h3 className="mb-1.5 text-xs font-semibold tracking-wide text-slate-500 uppercase">Parameters</h3>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 rounded-md bg-slate-50 p-2 font-mono text-xs">
            {params.map(([key, value]) => (
              <div key={key} className="contents">
                <dt className="text-slate-500">{key}</dt>
                <dd className="break-all">{String(value)}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </div>
  );
}

function RunMonitor({
  run,
  stream,
  refetchRun,
  needDetails,
  initialTask,
}: {
  run: RunDetail;
  stream: StreamState;
  refetchRun: () => void;
  needDetails: (taskKey: string) => void;
  initialTask: string | null;
}) {
  const [statusStore] = useState(() => createTaskStatusStore());
  const [sweepStore] = useState(() => createSweepProgressStore());
  const [selectedKey, setSelectedKey] = useState<string | null>(initialTask);
  const graph = useRunGraph(run);
  const { setNodes } = graph;
  const groups = useGroupExpansion(useMemo(() => parentsOf(run.graph.tasks), [run.graph.tasks]));
  const runLinkKinds = useMemo(() => kindsIn(run.graph.links), [run.graph.links]);
  const { reveal } = groups;
  const { setCenter } = useReactFlow<TaskNode, LinkEdge>();
  const finished = isFinishedRunStatus(run.status);
  const health = useHealth();
  const noWorker = health.data?.workers !== undefined && !health.data.workers.some((worker) => worker.alive);

  useEffect(() => {
    statusStore.getState().reset(Object.fromEntries(run.tasks.map((task) => [task.key, task.status])));
    sweepStore.setState({ progress: sweepProgress(run.tasks) });
  }, [run.tasks, statusStore, sweepStore]);

  const onSelectionChange = useCallback(({ nodes }: OnSelectionChangeParams<TaskNode, LinkEdge>) => {
    const [only] = nodes;
    if (nodes.length === 1 && only) setSelectedKey(only.id);
  }, []);

  const open = useCallback(
    (key: string) => {
      setSelectedKey(key);
      reveal(key);
      setNodes((current) =>
        current.map((node) =>
          node.selected === (node.id === key) ? node : { ...node, selected: node.id === key },
        ),
      );
      const node = graph.nodes.find((candidate) => candidate.id === key);
      if (node)
        void setCenter(node.position.x + NODE_WIDTH / 2, node.position.y + NODE_HEIGHT / 2, {
          zoom: 1,
          duration: 300,
        });
    },
    [setNodes, graph.nodes, setCenter, reveal],
  );

  const selected = selectedKey === null ? undefined : run.tasks.find((task) => task.key === selectedKey);
  const waitingApprovals = useMemo(
    () => run.tasks.filter((task) => task.status === "waiting").map((task) => task.key),
    [run.tasks],
  );
  // The shown task's outputs and exit code are fetched when it is opened or moves on, not for every task.
  const selectedStatus = selected?.status;
  useEffect(() => {
    if (selectedKey !== null && selectedStatus !== undefined) needDetails(selectedKey);
  }, [selectedKey, selectedStatus, needDetails]);
  // A swept task's panel shows its points' outputs in the results grid: fetch those too.
  useEffect(() => {
    if (selectedKey === null) return;
    for (const task of run.tasks) if (task.point?.taskKey === selectedKey) needDetails(task.key);
  }, [selectedKey, run.tasks, needDetails]);

  return (
    <TaskStatusProvider store={statusStore}>
      <SweepProgressProvider store={sweepStore}>
        <div className="flex min-h-0 flex-1 flex-col">
          <div className="flex min-h-12 shrink-0 flex-wrap items-center gap-x-4 gap-y-1 border-b border-slate-200 bg-white px-4 py-2">
            <div className="flex min-w-0 items-center gap-2">
              <Link
                href={`/plans/${run.planSlug}`}
                className="flex items-center gap-1 text-sm text-slate-500 hover:text-slate-800"
              >
                <ChevronLeftIcon size={14} />
                <span className="max-w-56 truncate">{graph.planName ?? run.planSlug}</span>
              </Link>
              <span className="text-slate-300" aria-hidden="true">
                /
              </span>
              <h1 className="font-mono text-sm font-semibold" title={run.id}>
                {shortRunId(run.id)}
              </h1>
              <StatusPill status={run.status} />
              <span className="text-xs text-slate-500">
                {run.trigger} · <RelativeTime at={run.createdAt} />
              </span>
            </div>
            <RunProgressHeader run={run} />
            <div className="ml-auto flex items-center gap-3">
              <StreamBadge state={stream} finished={finished} />
              {!finished && <CancelRunButton runId={run.id} />}
              {finished && (
                <RunPlanButton
                  planSlug={run.planSlug}
                  planName={graph.planName ?? run.planSlug}
                  variant="secondary"
                />
              )}
            </div>
          </div>

          <div className="flex min-h-0 flex-1">
            <div className="flex min-w-0 flex-1 flex-col">
              <div className="relative min-h-0 flex-1" data-testid="run-canvas">
                <GraphCanvas
                  editable={false}
                  groups={groups}
                  nodes={graph.nodes}
                  edges={graph.edges}
                  onNodesChange={graph.onNodesChange}
                  onEdgesChange={graph.onEdgesChange}
                  onSelectionChange={onSelectionChange}
                  aria-label="Task graph of the run"
                >
                  {/* Only when the run has context links: a key to one solid arrow kind is noise. */}
                  {runLinkKinds.some((kind) => kind !== "requires") && <LinkLegend kinds={runLinkKinds} />}
                  {graph.layingOut && (
                    <FlowPanel position="top-left">
                      <span
                        role="status"
                        className="flex items-center gap-2 rounded-md bg-white px-3 py-1.5 text-xs text-slate-600 shadow-sm ring-1 ring-slate-200"
                      >
                        <Spinner size={12} /> Laying out…
                      </span>
                    </FlowPanel>
                  )}
                  {waitingApprovals.length > 0 && (
                    <FlowPanel position="top-right">
                      <WaitingApprovalsBanner keys={waitingApprovals} onOpen={open} />
                    </FlowPanel>
                  )}
                  {run.status === "queued" && noWorker && (
                    <FlowPanel position="top-center">
                      <Callout tone="warning" title="Waiting for a worker" className="shadow-md">
                        No worker is running, so this run stays queued. Start one with{" "}
                        <code className="font-mono">taskloom worker</code>.
                      </Callout>
                    </FlowPanel>
                  )}
                </GraphCanvas>
              </div>
              <section
                aria-label="Timeline"
                className="h-[220px] shrink-0 border-t border-slate-200 bg-white"
              >
                <RunTimeline tasks={run.tasks} live={!finished} selectedKey={selectedKey} onSelect={open} />
              </section>
            </div>
            <aside
              aria-label="Task details"
              className="flex w-[420px] shrink-0 flex-col overflow-y-auto border-l border-slate-200 bg-white p-4"
            >
              {selected ? (
                <TaskRunDetails
                  key={selected.key}
                  run={run}
                  task={selected}
                  canRetry
                  onRetried={refetchRun}
                />
              ) : (
                <RunSummaryPanel run={run} onOpen={open} />
              )}
              <RunAuditTrail runId={run.id} />
            </aside>
          </div>
        </div>
      </SweepProgressProvider>
    </TaskStatusProvider>
  );
}

function LiveRunMonitor({ runId, initialTask }: { runId: string; initialTask: string | null }) {
  const { run, live, stream, refetchRun, needDetails } = useLiveRun(runId);
  useHandlerWaitRefresh(live, refetchRun);
  if (run.isPending) return <PageSkeleton label="Loading the run…" header={["h-4 w-56", "h-3 w-44"]} />;
  if (run.isError || live === undefined) {
    if (errorCodeOf(run.error) === "NOT_FOUND") {
      return (
        <EmptyState
          icon={<ListIcon size={22} />}
          title="Run not found"
          actions={
            <Link href="/runs" className="text-sm font-medium text-indigo-700 hover:underline">
              All runs
            </Link>
          }
        >
          There is no run <span className="font-mono">{runId}</span>.
        </EmptyState>
      );
    }
    return <ErrorState title="Could not load the run" error={run.error} onRetry={() => void run.refetch()} />;
  }
  return (
    <RunMonitor
      run={live}
      stream={stream}
      refetchRun={refetchRun}
      needDetails={needDetails}
      initialTask={initialTask}
    />
  );
}

/** `initialTask` (`?task=` in the URL, from the history grid): the task whose details open first. */
export function RunMonitorPage({
  runId,
  initialTask = null,
}: {
  runId: string;
  initialTask?: string | null;
}) {
  return (
    <ReactFlowProvider>
      <LiveRunMonitor runId={runId} initialTask={initialTask} />
    </ReactFlowProvider>
  );
}
