"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type EventRecord, LINK_KINDS } from "@taskloom/core";
import {
  Panel as FlowPanel,
  type OnSelectionChangeParams,
  ReactFlowProvider,
  useReactFlow,
} from "@xyflow/react";
import Link from "next/link";
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { StatusPill } from "../../components/status/status-pill.tsx";
import { Button, buttonClass } from "../../components/ui/button.tsx";
import {
  ChevronLeftIcon,
  CloseIcon,
  DownloadIcon,
  GraphIcon,
  LayoutIcon,
  ListIcon,
  PlusIcon,
} from "../../components/ui/icons.tsx";
import { MessageText } from "../../components/ui/message-text.tsx";
import { Spinner } from "../../components/ui/spinner.tsx";
import { Callout, EmptyState, ErrorState, PageSkeleton } from "../../components/ui/states.tsx";
import { Tabs } from "../../components/ui/tabs.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import type { LinkEdge, TaskNode } from "../../graph/flow-elements.ts";
import { freeSpotNear, spotAfter } from "../../graph/free-spot.ts";
import { NODE_HEIGHT, NODE_WIDTH } from "../../graph/layout.ts";
import { createTaskStatusStore } from "../../graph/task-status-store.ts";
import { taskStatusChanges } from "../../runs/run-events.ts";
import { shortRunId } from "../../runs/run-id.ts";
import { draftFromDefinition, emptyDraft, suggestKey } from "../../task-form/task-draft.ts";
import { errorCodeOf, errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";
import type { PlanView } from "../../trpc/types.ts";
import { ContextPanel } from "../context/context-panel.tsx";
import { PlanDocumentsEditor } from "../context/plan-documents-editor.tsx";
import { PlanNotesEditor } from "../context/plan-notes-editor.tsx";
import { useInvalidateContext } from "../context/use-context-preview.ts";
import { DraftBanner, useDraftOf } from "../draft/draft-banner.tsx";
import { DraftPlanDialog } from "../draft/draft-plan-dialog.tsx";
import { GraphCanvas } from "../graph-canvas/graph-canvas.tsx";
import { EdgeActionsContext } from "../graph-canvas/link-edge.tsx";
import { LinkLegend } from "../graph-canvas/link-legend.tsx";
import { TaskStatusProvider } from "../graph-canvas/task-status-context.tsx";
import { useEventStream } from "../live/use-event-stream.ts";
import { DeleteTasksDialog } from "./delete-tasks-dialog.tsx";
import { ExportDialog } from "./export-dialog.tsx";
import { IndexEditor } from "./index-editor.tsx";
import { PlanRunsList } from "./plan-runs-list.tsx";
import { PlanSettingsForm } from "./plan-settings-form.tsx";
import { RelayoutOffer } from "./relayout-offer.tsx";
import { RunPlanControl } from "./run-with-params-dialog.tsx";
import { StaleEditBanner } from "./stale-edit-banner.tsx";
import { TaskForm } from "./task-form.tsx";
import { TaskList } from "./task-list.tsx";
import { usePlanGraph } from "./use-plan-graph.ts";

type SideTab = "task" | "context" | "index" | "docs" | "runs" | "plan";
type TaskPanel = { type: "none" } | { type: "new" } | { type: "task"; key: string };

const SIDE_TABS = [
  { id: "task", label: "Task" },
  { id: "context", label: "Context" },
  { id: "index", label: "INDEX" },
  { id: "docs", label: "Docs" },
  { id: "runs", label: "Runs" },
  { id: "plan", label: "Plan" },
] as const;

function PlanEditor({ plan }: { plan: PlanView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { setCenter, screenToFlowPosition } = useReactFlow<TaskNode, LinkEdge>();
  const [statusStore] = useState(() => createTaskStatusStore());
  const [tab, setTab] = useState<SideTab>("task");
  const [panel, setPanel] = useState<TaskPanel>({ type: "none" });
  const [deleting, setDeleting] = useState<string[]>([]);
  const [exporting, setExporting] = useState(false);
  const [drafting, setDrafting] = useState(false);
  const [overlayRunId, setOverlayRunId] = useState<string | null>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  const selectAfterSync = useRef<string | null>(null);

  const graph = usePlanGraph(plan, setDeleting);
  const draft = useDraftOf(plan.slug);
  const invalidateContext = useInvalidateContext();
  const { setNodes } = graph;

  // Statuses of the run shown on the canvas, if any: loaded once, then kept live by the event stream.
  const overlayRun = useQuery({
    ...trpc.runs.get.queryOptions({ runId: overlayRunId ?? "" }),
    enabled: overlayRunId !== null,
  });
  useEffect(() => {
    if (overlayRunId === null) {
      statusStore.getState().reset({});
      return;
    }
    if (overlayRun.data) {
      statusStore
        .getState()
        .reset(Object.fromEntries(overlayRun.data.tasks.map((task) => [task.key, task.status])));
    }
  }, [overlayRunId, overlayRun.data, statusStore]);

  const onEvents = useCallback(
    (events: EventRecord[]) => {
      const planChanged = events.some(
        (event) => event.type === "plan.updated" || event.type === "plan.imported",
      );
      const runEnded = events.some((event) => event.type === "run.status");
      if (planChanged) {
        void queryClient.invalidateQueries({ queryKey: trpc.plans.get.queryKey({ slug: plan.slug }) });
      }
      if (events.some((event) => event.type === "run.created" || event.type === "run.status")) {
        void queryClient.invalidateQueries({ queryKey: trpc.runs.list.queryKey() });
      }
      // Bundles are built from the plan and from the tasks' latest outputs.
      if (planChanged || runEnded) void invalidateContext();
      if (overlayRunId !== null) {
        statusStore
          .getState()
          .apply(taskStatusChanges(events.filter((event) => event.runId === overlayRunId)));
      }
    },
    [queryClient, trpc, plan.slug, overlayRunId, statusStore, invalidateContext],
  );
  useEventStream({ planSlug: plan.slug }, onEvents);

  // A task created or renamed from the form is selected once its node exists.
  useEffect(() => {
    const key = selectAfterSync.current;
    if (key === null || !graph.nodes.some((node) => node.id === key)) return;
    selectAfterSync.current = null;
    setNodes((current) => current.map((node) => ({ ...node, selected: node.id === key })));
  }, [graph.nodes, setNodes]);

  const onSelectionChange = useCallback(({ nodes, edges }: OnSelectionChangeParams<TaskNode, LinkEdge>) => {
    const [only] = nodes;
    if (nodes.length === 1 && only && edges.length === 0) {
      setPanel({ type: "task", key: only.id });
      // A person reading contexts task after task stays on the Context tab.
      setTab((current) => (current === "context" ? "context" : "task"));
    } else if (nodes.length === 0) {
      setPanel((current) => (current.type === "task" ? { type: "none" } : current));
    }
  }, []);

  const openTask = useCallback(
    (key: string) => {
      const node = graph.nodes.find((candidate) => candidate.id === key);
      // A task inside a collapsed group: open the groups around it first.
      graph.groups.reveal(key);
      setNodes((current) => current.map((candidate) => ({ ...candidate, selected: candidate.id === key })));
      setPanel({ type: "task", key });
      setTab("task");
      if (node)
        void setCenter(node.position.x + NODE_WIDTH / 2, node.position.y + NODE_HEIGHT / 2, {
          zoom: 1,
          duration: 300,
        });
    },
    [graph.nodes, graph.groups, setNodes, setCenter],
  );

  const openContext = useCallback(
    (key: string) => {
      openTask(key);
      setTab("context");
    },
    [openTask],
  );

  /**
   * A new task lands to the right of the tasks it requires, or else in the middle of what the person is
   * looking at; either way clear of the other nodes.
   */
  const placeNewTask = useCallback(
    (requires: readonly string[]) => {
      const required = graph.nodes.filter((node) => requires.includes(node.id)).map((node) => node.position);
      const rect = canvasRef.current?.getBoundingClientRect();
      const center = rect
        ? screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 })
        : { x: 0, y: 0 };
      return freeSpotNear(
        spotAfter(required) ?? { x: center.x - NODE_WIDTH / 2, y: center.y - NODE_HEIGHT / 2 },
        graph.nodes.map((node) => node.position),
      );
    },
    [graph.nodes, screenToFlowPosition],
  );
  const onTaskSaved = useCallback(
    async (key: string, created: boolean) => {
      selectAfterSync.current = key;
      await Promise.all([
        graph.invalidatePlan(),
        queryClient.invalidateQueries({ queryKey: trpc.plans.list.queryKey() }),
      ]);
      setPanel({ type: "task", key });
      toast.success(
        created ? `Task ${key} added` : `Task ${key} saved`,
        created ? "Drag from its right handle to link it." : undefined,
      );
    },
    [graph, queryClient, trpc],
  );

  const edgeActions = useMemo(
    () => ({ setKind: graph.changeLinkKind, remove: graph.removeLink }),
    [graph.changeLinkKind, graph.removeLink],
  );

  const taskKeys = useMemo(() => plan.tasks.map((task) => task.key), [plan.tasks]);
  const documentKeys = useMemo(() => plan.documents.map((doc) => doc.key), [plan.documents]);
  const parentsOf = useMemo(
    () =>
      Object.fromEntries(
        plan.tasks.flatMap((task) => (task.parent === undefined ? [] : [[task.key, task.parent] as const])),
      ),
    [plan.tasks],
  );
  const selectedTask = panel.type === "task" ? plan.tasks.find((task) => task.key === panel.key) : undefined;
  const deletingLinks = graph.links.filter(
    (link) => deleting.includes(link.from) || deleting.includes(link.to),
  ).length;

  const addTask = () => {
    setNodes((current) => current.map((node) => (node.selected ? { ...node, selected: false } : node)));
    setPanel({ type: "new" });
    setTab("task");
  };

  const clearLinkErrorUnlessOn = (event: { target: EventTarget }) => {
    if (graph.linkError === null) return;
    if (event.target instanceof Element && event.target.closest("[data-testid=link-error]")) return;
    graph.dismissLinkError();
  };

  return (
    <TaskStatusProvider store={statusStore}>
      <div className="flex min-h-0 flex-1 flex-col">
        <StaleEditBanner />
        <DraftBanner planSlug={plan.slug} />
        <div className="flex h-12 shrink-0 items-center gap-3 border-b border-slate-200 bg-white px-4">
          <Link href="/plans" className="flex items-center gap-1 text-sm text-slate-500 hover:text-slate-800">
            <ChevronLeftIcon size={14} />
            Plans
          </Link>
          <span className="text-slate-300" aria-hidden="true">
            /
          </span>
          <h1 className="truncate text-sm font-semibold text-slate-900">{plan.name}</h1>
          <span
            className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-600"
            title="Plan version: bumps on every edit"
          >
            v{plan.version}
          </span>
          <span className="text-xs text-slate-500">
            {plan.tasks.length} task{plan.tasks.length === 1 ? "" : "s"}
          </span>
          {overlayRunId !== null && (
            <span className="flex items-center gap-1.5 rounded-full bg-indigo-50 py-0.5 pr-1 pl-2.5 text-xs text-indigo-800">
              Showing run <span className="font-mono">{shortRunId(overlayRunId)}</span>
              {overlayRun.data && <StatusPill status={overlayRun.data.status} size="sm" />}
              <button
                type="button"
                aria-label="Stop showing the run"
                onClick={() => setOverlayRunId(null)}
                className="rounded-full p-0.5 hover:bg-indigo-100"
              >
                <CloseIcon size={12} />
              </button>
            </span>
          )}
          <div className="ml-auto flex items-center gap-2">
            <Button size="sm" icon={<PlusIcon size={12} />} onClick={addTask}>
              Add task
            </Button>
            <Button
              size="sm"
              icon={<LayoutIcon size={12} />}
              busy={graph.layingOut}
              disabled={plan.tasks.length === 0}
              onClick={() => void graph.runLayout()}
            >
              Auto-layout
            </Button>
            <Button size="sm" icon={<DownloadIcon size={12} />} onClick={() => setExporting(true)}>
              Export
            </Button>
            {draft === null && (
              <Button size="sm" icon={<GraphIcon size={12} />} onClick={() => setDrafting(true)}>
                Draft tasks from goal
              </Button>
            )}
            <Link href={`/plans/${plan.slug}/history`} className={buttonClass("secondary", "sm")}>
              <ListIcon size={12} /> History
            </Link>
            <Link href={`/schedules?plan=${plan.slug}`} className={buttonClass("secondary", "sm")}>
              Schedules
            </Link>
            {/* A draft runs only once approved (the server refuses it too). */}
            {draft === null && (
              <RunPlanControl
                planSlug={plan.slug}
                planName={plan.name}
                params={plan.params}
                disabled={plan.tasks.length === 0}
              />
            )}
          </div>
        </div>

        <div className="flex min-h-0 flex-1">
          <div
            ref={canvasRef}
            className={`relative min-w-0 flex-1${draft ? " taskloom-draft-canvas" : ""}`}
            data-testid="plan-canvas"
            data-draft={draft ? "true" : undefined}
            // A "Link refused" banner is about the last drop: the next thing done on the canvas clears it.
            onPointerDownCapture={clearLinkErrorUnlessOn}
            onKeyDownCapture={clearLinkErrorUnlessOn}
          >
            <EdgeActionsContext.Provider value={edgeActions}>
              <GraphCanvas
                editable
                groups={graph.groups}
                nodes={graph.nodes}
                edges={graph.edges}
                onNodesChange={graph.onNodesChange}
                onEdgesChange={graph.onEdgesChange}
                onConnect={(connection) => graph.connect(connection.source, connection.target)}
                isValidConnection={graph.isValidConnection}
                onConnectEnd={graph.onConnectEnd}
                onBeforeDelete={graph.onBeforeDelete}
                onSelectionChange={onSelectionChange}
                aria-label={`Task graph of ${plan.name}`}
              >
                <LinkLegend kinds={LINK_KINDS} chosen={graph.linkKind} onChoose={graph.setLinkKind} />
                <FlowPanel position="top-center" className="max-w-xl">
                  {graph.linkError !== null && (
                    <div data-testid="link-error">
                      <Callout title="Link refused" onDismiss={graph.dismissLinkError} className="shadow-md">
                        <MessageText>{graph.linkError}</MessageText>
                      </Callout>
                    </div>
                  )}
                </FlowPanel>
                {graph.relayoutOffer && !graph.layingOut && (
                  <FlowPanel position="top-left">
                    <RelayoutOffer
                      pinnedCount={graph.pinnedCount}
                      onRelayout={graph.relayoutKeepingPinned}
                      onDismiss={graph.dismissRelayoutOffer}
                    />
                  </FlowPanel>
                )}
                {graph.layingOut && (
                  <FlowPanel position="top-left">
                    <span
                      role="status"
                      className="flex items-center gap-2 rounded-md bg-white px-3 py-1.5 text-xs text-slate-600 shadow-sm ring-1 ring-slate-200"
                    >
                      <Spinner size={12} />
                      Laying out {plan.tasks.length} tasks…
                    </span>
                  </FlowPanel>
                )}
              </GraphCanvas>
            </EdgeActionsContext.Provider>
            {plan.tasks.length === 0 && (
              <div className="pointer-events-none absolute inset-0 flex items-center justify-center">
                <div className="pointer-events-auto rounded-xl bg-white/90 shadow-sm ring-1 ring-slate-200 backdrop-blur">
                  <EmptyState
                    icon={<GraphIcon size={22} />}
                    title="This plan has no tasks yet"
                    actions={
                      <Button variant="primary" icon={<PlusIcon size={14} />} onClick={addTask}>
                        Add the first task
                      </Button>
                    }
                  >
                    Add tasks, then drag from a task's right handle to another task to make that one depend on
                    it.
                  </EmptyState>
                </div>
              </div>
            )}
          </div>

          <aside
            aria-label="Details"
            className="flex w-[400px] shrink-0 flex-col border-l border-slate-200 bg-white"
          >
            <Tabs
              label="Details"
              items={SIDE_TABS}
              selected={tab}
              onSelect={setTab}
              panelClassName="flex min-h-0 flex-1 flex-col overflow-y-auto p-4"
            >
              {tab === "task" &&
                (panel.type === "new" ? (
                  <section aria-labelledby="new-task-title" className="flex flex-1 flex-col gap-3">
                    <h2 id="new-task-title" className="text-sm font-semibold">
                      New task
                    </h2>
                    <TaskForm
                      key="new"
                      planSlug={plan.slug}
                      planVersion={plan.version}
                      planParams={plan.params}
                      otherKeys={taskKeys}
                      documentKeys={documentKeys}
                      parentsOf={parentsOf}
                      initial={emptyDraft("shell", suggestKey(taskKeys))}
                      onSaved={onTaskSaved}
                      placeNewTask={placeNewTask}
                      onCancel={() => setPanel({ type: "none" })}
                    />
                  </section>
                ) : selectedTask ? (
                  <section aria-labelledby="task-title" className="flex flex-1 flex-col gap-3">
                    <div className="flex items-center justify-between">
                      <h2 id="task-title" className="truncate font-mono text-sm font-semibold">
                        {selectedTask.key}
                      </h2>
                      <span className="text-xs text-slate-500">
                        requires {selectedTask.requires.length} · refers {selectedTask.refers.length}
                      </span>
                    </div>
                    <TaskForm
                      key={selectedTask.key}
                      planSlug={plan.slug}
                      planVersion={plan.version}
                      planParams={plan.params}
                      otherKeys={taskKeys.filter((key) => key !== selectedTask.key)}
                      documentKeys={documentKeys}
                      parentsOf={parentsOf}
                      initial={draftFromDefinition(selectedTask)}
                      originalKey={selectedTask.key}
                      onSaved={onTaskSaved}
                      onDelete={() => setDeleting([selectedTask.key])}
                    />
                  </section>
                ) : (
                  <div className="flex h-full min-h-0 flex-col gap-3">
                    <p className="text-sm text-slate-500">
                      Select a task on the canvas to edit it, or find it here.
                    </p>
                    <Button
                      variant="primary"
                      icon={<PlusIcon size={14} />}
                      onClick={addTask}
                      className="self-start"
                    >
                      Add task
                    </Button>
                    {plan.tasks.length > 0 && <TaskList tasks={plan.tasks} onOpen={openTask} />}
                  </div>
                ))}
              {tab === "context" &&
                (selectedTask ? (
                  <section aria-labelledby="context-title" className="flex flex-col gap-3">
                    <h2 id="context-title" className="truncate font-mono text-sm font-semibold">
                      {selectedTask.key}
                    </h2>
                    <ContextPanel
                      key={selectedTask.key}
                      planSlug={plan.slug}
                      taskKey={selectedTask.key}
                      kind={selectedTask.kind}
                    />
                  </section>
                ) : (
                  <div className="flex flex-col gap-3">
                    <p className="text-sm text-slate-500">
                      Select an llm task to see the context bundle it would get now.
                    </p>
                    {plan.tasks.length > 0 && <TaskList tasks={plan.tasks} onOpen={openContext} />}
                  </div>
                ))}
              {tab === "docs" && (
                <div className="flex flex-col gap-6">
                  <PlanDocumentsEditor plan={plan} />
                  <PlanNotesEditor plan={plan} />
                </div>
              )}
              {tab === "index" && (
                <IndexEditor planSlug={plan.slug} index={plan.index} planVersion={plan.version} />
              )}
              {tab === "runs" && (
                <PlanRunsList planSlug={plan.slug} overlayRunId={overlayRunId} onOverlay={setOverlayRunId} />
              )}
              {tab === "plan" && <PlanSettingsForm plan={plan} />}
            </Tabs>
          </aside>
        </div>
      </div>

      <DeleteTasksDialog
        planSlug={plan.slug}
        keys={deleting}
        linkCount={deletingLinks}
        onClose={() => setDeleting([])}
        onDeleted={async () => {
          setPanel({ type: "none" });
          await Promise.all([
            graph.invalidatePlan(),
            queryClient.invalidateQueries({ queryKey: trpc.plans.list.queryKey() }),
          ]);
          toast.success(
            deleting.length === 1 ? `Task ${deleting[0]} deleted` : `${deleting.length} tasks deleted`,
          );
        }}
      />
      <ExportDialog planSlug={plan.slug} open={exporting} onClose={() => setExporting(false)} />
      <DraftPlanDialog open={drafting} onClose={() => setDrafting(false)} into={plan.slug} />
    </TaskStatusProvider>
  );
}

export function PlanEditorPage({ slug }: { slug: string }) {
  const trpc = useTRPC();
  const plan = useQuery(trpc.plans.get.queryOptions({ slug }));
  // The editor first mounts from a deferred render: React renders it in slices between frames, and its
  // effects (React Flow measuring its pane, the canvas) run in tasks of their own, so a big plan's first
  // render is not one long task. Later versions of the plan render at once.
  const mounted = useDeferredValue(plan.data) !== undefined;
  const skeleton = (
    <PageSkeleton label="Loading the plan…" header={["h-4 w-40", "ml-auto h-7 w-64"]} sidePanel />
  );
  if (plan.isPending) return skeleton;
  if (plan.isError) {
    if (errorCodeOf(plan.error) === "NOT_FOUND") {
      return (
        <EmptyState
          icon={<GraphIcon size={22} />}
          title="Plan not found"
          actions={
            <Link href="/plans" className="text-sm font-medium text-indigo-700 hover:underline">
              Back to the plans
            </Link>
          }
        >
          There is no plan <span className="font-mono">{slug}</span>. {errorMessage(plan.error)}
        </EmptyState>
      );
    }
    return (
      <ErrorState title="Could not load the plan" error={plan.error} onRetry={() => void plan.refetch()} />
    );
  }
  if (!mounted) return skeleton;
  return (
    <ReactFlowProvider>
      <PlanEditor plan={plan.data} />
    </ReactFlowProvider>
  );
}
