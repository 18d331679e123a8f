"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  type FinalConnectionState,
  type NodeChange,
  type OnBeforeDelete,
  useEdgesState,
  useNodesState,
} from "@xyflow/react";
import { startTransition, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { toast } from "../../components/ui/toaster.tsx";
import {
  checkKindChange,
  checkNewLink,
  cycleMessage,
  type GraphLink,
  type LinkKind,
} from "../../graph/cycle-feedback.ts";
import {
  edgeId,
  gridPosition,
  type LinkEdge,
  linkOfEdge,
  type TaskNode,
  toLinkEdges,
} from "../../graph/flow-elements.ts";
import { OVERVIEW_FROM } from "../../graph/graph-overview.ts";
import { type LayoutPositions, missingPositions, type Position } from "../../graph/layout.ts";
import { layoutInWorker } from "../../graph/layout-client.ts";
import { keepPinned, newRequiresLinks } from "../../graph/pinned-layout.ts";
import { reconcileEdges, reconcileNodes, withPositions } from "../../graph/reconcile.ts";
import { cycleOf, errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";
import type { PlanView } from "../../trpc/types.ts";
import { useFitToStart } from "../graph-canvas/use-fit-to-start.ts";
import { parentsOf, useGroupExpansion } from "../graph-canvas/use-group-expansion.ts";
import { usePlanVersion } from "./plan-version.ts";
import { usePinnedTasks } from "./use-pinned-tasks.ts";

const FIT_DURATION = { duration: 250 } as const;
/** Keyboard nudges arrive one per key press: wait for a pause before saving the positions. */
const SAVE_POSITIONS_AFTER_MS = 300;

function sameLink(a: GraphLink, b: GraphLink): boolean {
  return a.from === b.from && a.to === b.to && a.kind === b.kind;
}

/**
 * The editor's graph state: React Flow nodes and edges kept in step with the stored plan, positions saved
 * as they change, links created, switched and deleted optimistically (rolled back when the server refuses),
 * and the ELK layout run in a Web Worker.
 */
/** The id of the canvas node under the pointer where a drag ended, if any. */
function nodeUnderPointer(event: MouseEvent | TouchEvent): string | null {
  const point = "changedTouches" in event ? event.changedTouches[0] : event;
  if (!point) return null;
  const element = document.elementFromPoint(point.clientX, point.clientY);
  return element?.closest<HTMLElement>(".react-flow__node")?.dataset.id ?? null;
}

export function usePlanGraph(plan: PlanView, onDeleteTasks: (keys: string[]) => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const fitToStart = useFitToStart();
  const [nodes, setNodes, onNodesChangeBase] = useNodesState<TaskNode>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<LinkEdge>([]);
  // The latest nodes, for callbacks that must not change identity on every drag frame.
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;
  const [layingOut, setLayingOut] = useState(false);
  const [linkError, setLinkError] = useState<string | null>(null);
  /** The kind of link a drag between two tasks creates (chosen in the canvas's legend). */
  const [linkKind, setLinkKind] = useState<LinkKind>("requires");

  const planSlug = plan.slug;
  const version = usePlanVersion(planSlug);
  const planKey = useMemo(() => trpc.plans.get.queryKey({ slug: planSlug }), [trpc, planSlug]);
  const taskKeys = useMemo(() => plan.tasks.map((task) => task.key), [plan.tasks]);
  const links = useMemo(() => edges.map(linkOfEdge), [edges]);

  const invalidatePlan = useCallback(
    () => queryClient.invalidateQueries({ queryKey: planKey }),
    [queryClient, planKey],
  );

  const parents = useMemo(() => parentsOf(plan.tasks), [plan.tasks]);
  const groups = useGroupExpansion(parents);
  const pinned = usePinnedTasks(planSlug);
  /** Set when `requires` links were added since the layout: the canvas offers to lay the graph out again. */
  const [relayoutOffer, setRelayoutOffer] = useState(false);
  const seenLinks = useRef<{ slug: string; links: readonly GraphLink[] } | null>(null);

  // The stored plan changed (a save here, another tab, the CLI): bring the canvas in step.
  useEffect(() => {
    const update = () => {
      setNodes((current) => reconcileNodes(current, plan.tasks, gridPosition));
      setEdges((current) => reconcileEdges(current, plan.links));
    };
    // A big plan's canvas renders as a transition: React renders it in slices between frames, and the
    // canvas's own effects run in tasks of their own, instead of one long task behind the side panel's.
    if (plan.tasks.length >= OVERVIEW_FROM) startTransition(update);
    else update();
    const seen = seenLinks.current;
    if (seen !== null && seen.slug === planSlug && newRequiresLinks(seen.links, plan.links).length > 0) {
      setRelayoutOffer(true);
    }
    seenLinks.current = { slug: planSlug, links: plan.links };
  }, [plan.tasks, plan.links, planSlug, setNodes, setEdges]);

  const savePositionsMutation = useMutation(trpc.tasks.setPositions.mutationOptions());
  const savePositions = useCallback(
    (positions: LayoutPositions) => {
      const list = Object.entries(positions).map(([key, { x, y }]) => ({
        key,
        x: Math.round(x),
        y: Math.round(y),
      }));
      if (list.length === 0) return;
      savePositionsMutation.mutate(
        { planSlug, positions: list },
        {
          onSuccess: () => {
            // Keep the cache in step without a refetch: positions do not change the plan's version.
            queryClient.setQueryData(planKey, (cached) =>
              cached === undefined
                ? cached
                : {
                    ...cached,
                    tasks: cached.tasks.map((task) =>
                      positions[task.key] ? { ...task, position: positions[task.key] ?? null } : task,
                    ),
                  },
            );
          },
          onError: (error) => toast.error("Positions not saved", errorMessage(error)),
        },
      );
    },
    [savePositionsMutation, planSlug, queryClient, planKey],
  );

  // Position changes with `dragging: false` are drag ends and keyboard nudges: the moves to keep.
  const pendingPositions = useRef<LayoutPositions>({});
  const saveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onNodesChange = useCallback(
    (changes: NodeChange<TaskNode>[]) => {
      onNodesChangeBase(changes);
      const moved: string[] = [];
      for (const change of changes) {
        if (change.type === "position" && change.dragging === false && change.position) {
          pendingPositions.current[change.id] = change.position;
          moved.push(change.id);
        }
      }
      if (moved.length === 0) return;
      // Placed by hand: a re-layout offered after new links leaves these where they are.
      pinned.add(moved);
      if (saveTimer.current !== null) clearTimeout(saveTimer.current);
      saveTimer.current = setTimeout(() => {
        const positions = pendingPositions.current;
        pendingPositions.current = {};
        saveTimer.current = null;
        savePositions(positions);
      }, SAVE_POSITIONS_AFTER_MS);
    },
    [onNodesChangeBase, savePositions, pinned],
  );
  useEffect(
    () => () => {
      if (saveTimer.current !== null) clearTimeout(saveTimer.current);
    },
    [],
  );

  /**
   * Lays the plan out (in a Web Worker) and moves the tasks: all of them, or `only` these. With `keepPinned`,
   * the tasks placed by hand stay where they are and laid-out tasks that would land on them move aside.
   */
  const runLayout = useCallback(
    async (only?: readonly string[], { keepPinned: keep = false }: { keepPinned?: boolean } = {}) => {
      setLayingOut(true);
      setRelayoutOffer(false);
      try {
        const positions = await layoutInWorker({
          keys: plan.tasks.map((task) => task.key),
          links: plan.links,
        });
        let chosen: LayoutPositions = {};
        for (const key of only ?? Object.keys(positions)) {
          const position = positions[key];
          if (position) chosen[key] = position;
        }
        if (keep) {
          const placed: LayoutPositions = {};
          for (const node of nodesRef.current) if (pinned.has(node.id)) placed[node.id] = node.position;
          chosen = keepPinned(chosen, placed);
        } else if (only === undefined) {
          pinned.clear();
        }
        if (plan.tasks.length >= OVERVIEW_FROM) {
          startTransition(() => setNodes((current) => withPositions(current, chosen)));
        } else {
          setNodes((current) => withPositions(current, chosen));
        }
        savePositions(chosen);
        // Fitted to the new positions themselves (a re-layout after new links keeps the view). A big plan jumps
        // there: an animated move would pass over (and mount) a different window of nodes in every frame.
        if (!keep) {
          const laidOut = withPositions(nodesRef.current, chosen);
          fitToStart(laidOut, laidOut.length >= OVERVIEW_FROM ? undefined : FIT_DURATION);
        }
      } catch (error) {
        toast.error("Auto-layout failed", errorMessage(error));
      } finally {
        setLayingOut(false);
      }
    },
    [plan.tasks, plan.links, setNodes, savePositions, fitToStart, pinned],
  );

  const relayoutKeepingPinned = useCallback(
    () => void runLayout(undefined, { keepPinned: true }),
    [runLayout],
  );
  const dismissRelayoutOffer = useCallback(() => setRelayoutOffer(false), []);

  // First open of a plan: tasks without a stored position (an imported plan) get laid out and saved.
  const laidOutFor = useRef<string | null>(null);
  useEffect(() => {
    if (laidOutFor.current === planSlug) return;
    laidOutFor.current = planSlug;
    const stored: Record<string, Position | null> = {};
    for (const task of plan.tasks) stored[task.key] = task.position;
    const missing = missingPositions(taskKeys, stored);
    if (missing.length > 0) void runLayout(missing.length === taskKeys.length ? undefined : missing);
  }, [planSlug, plan.tasks, taskKeys, runLayout]);

  const refuse = useCallback((message: string) => setLinkError(message), []);

  const createLink = useMutation(trpc.links.create.mutationOptions());
  const connect = useCallback(
    (from: string, to: string) => {
      const link: GraphLink = { from, to, kind: linkKind };
      const check = checkNewLink(taskKeys, links, link);
      if (!check.ok) {
        refuse(check.message);
        return;
      }
      setLinkError(null);
      setEdges((current) => [...current, ...toLinkEdges([link])]);
      version
        .edit((baseVersion) => createLink.mutateAsync({ planSlug, ...link, baseVersion }))
        .catch((error: unknown) => {
          setEdges((current) => current.filter((edge) => edge.id !== edgeId(link)));
          const cycle = cycleOf(error);
          refuse(cycle ? cycleMessage(cycle) : `The link was not saved: ${errorMessage(error)}`);
        })
        .finally(() => void invalidatePlan());
    },
    [taskKeys, links, linkKind, refuse, setEdges, createLink, planSlug, invalidatePlan, version],
  );

  const isValidConnection = useCallback(
    (connection: { source: string; target: string }) =>
      checkNewLink(taskKeys, links, { from: connection.source, to: connection.target, kind: linkKind }).ok,
    [taskKeys, links, linkKind],
  );

  /**
   * The end of a link drag. Dropped on a handle that `isValidConnection` refused: say why (the cycle, the self
   * link, the duplicate). Dropped on a node's body, away from any handle: connect to that node all the same,
   * so that a link never needs a pixel-precise drop.
   */
  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (!state.fromNode) return;
      const other = state.toNode?.id ?? (state.isValid === null ? nodeUnderPointer(event) : null);
      // A drop back on the node it started from is a drag abandoned, not a link to itself.
      if (other === null || other === state.fromNode.id || (state.isValid === true && state.toNode)) return;
      // Dragging from a node's left (target) handle draws the link the other way round.
      const fromUpstream = state.fromHandle?.type !== "target";
      const from = fromUpstream ? state.fromNode.id : other;
      const to = fromUpstream ? other : state.fromNode.id;
      if (state.isValid === false) {
        const check = checkNewLink(taskKeys, links, { from, to, kind: linkKind });
        if (!check.ok) refuse(check.message);
        return;
      }
      connect(from, to);
    },
    [taskKeys, links, linkKind, refuse, connect],
  );

  const deleteLink = useMutation(trpc.links.delete.mutationOptions());
  const deleteLinksRemote = useCallback(
    (removed: readonly GraphLink[]) => {
      for (const link of removed) {
        version
          .edit((baseVersion) => deleteLink.mutateAsync({ planSlug, ...link, baseVersion }))
          .catch((error: unknown) =>
            toast.error(`Link ${link.from} → ${link.to} not deleted`, errorMessage(error)),
          )
          .finally(() => void invalidatePlan());
      }
    },
    [deleteLink, planSlug, invalidatePlan, version],
  );

  const removeLink = useCallback(
    (link: GraphLink) => {
      setEdges((current) => current.filter((edge) => !sameLink(linkOfEdge(edge), link)));
      deleteLinksRemote([link]);
    },
    [setEdges, deleteLinksRemote],
  );

  const setKindMutation = useMutation(trpc.links.setKind.mutationOptions());
  const changeLinkKind = useCallback(
    (link: GraphLink, next: LinkKind) => {
      const check = checkKindChange(taskKeys, links, link, next);
      if (!check.ok) {
        refuse(check.message);
        return;
      }
      const switched: GraphLink = { ...link, kind: next };
      setEdges((current) =>
        current.map((edge) =>
          sameLink(linkOfEdge(edge), link)
            ? { ...(toLinkEdges([switched])[0] ?? edge), selected: true }
            : edge,
        ),
      );
      version
        .edit((baseVersion) =>
          setKindMutation.mutateAsync({ planSlug, ...switched, previousKind: link.kind, baseVersion }),
        )
        .catch((error: unknown) => {
          const cycle = cycleOf(error);
          refuse(cycle ? cycleMessage(cycle) : `The link was not changed: ${errorMessage(error)}`);
        })
        .finally(() => void invalidatePlan());
    },
    [taskKeys, links, refuse, setEdges, setKindMutation, planSlug, invalidatePlan, version],
  );

  /** Delete key: links go at once; tasks ask first (their links go with them). */
  const onBeforeDelete: OnBeforeDelete<TaskNode, LinkEdge> = useCallback(
    async ({ nodes: deletedNodes, edges: deletedEdges }) => {
      if (deletedNodes.length > 0) {
        onDeleteTasks(deletedNodes.map((node) => node.id));
        return false;
      }
      deleteLinksRemote(deletedEdges.map(linkOfEdge));
      return true;
    },
    [onDeleteTasks, deleteLinksRemote],
  );

  return {
    nodes,
    edges,
    setNodes,
    onNodesChange,
    onEdgesChange,
    links,
    layingOut,
    runLayout,
    savePositions,
    groups,
    relayoutOffer,
    // Counted only when the offer shows: reading the pins is not to weigh on every render.
    pinnedCount: relayoutOffer ? pinned.count() : 0,
    relayoutKeepingPinned,
    dismissRelayoutOffer,
    linkError,
    dismissLinkError: () => setLinkError(null),
    linkKind,
    setLinkKind,
    connect,
    isValidConnection,
    onConnectEnd,
    removeLink,
    changeLinkKind,
    onBeforeDelete,
    invalidatePlan,
  };
}
