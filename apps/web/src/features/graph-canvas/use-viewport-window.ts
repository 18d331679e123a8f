"use client";

import { useStoreApi } from "@xyflow/react";
import { useEffect, useLayoutEffect, useMemo, useState } from "react";
import type { LinkEdge, TaskNode } from "../../graph/flow-elements.ts";
import { MAX_DOM_NODES, OVERVIEW_FROM } from "../../graph/graph-overview.ts";
import {
  createNodeIndex,
  firstOfWindow,
  grow,
  MOUNT_STEP,
  type Rect,
  viewRect,
  WINDOW_MARGIN,
  windowIsStale,
  windowOf,
} from "../../graph/viewport-window.ts";

const NO_NODES: TaskNode[] = [];
const NO_EDGES: LinkEdge[] = [];

interface WindowState {
  /** The flow area React Flow holds the nodes of (the view with a margin). */
  rect: Rect;
  /** The view the window was made for: its nodes mount first. */
  view: Rect;
  /** How many of the window's nodes React Flow holds so far (see MOUNT_STEP); grows by a step per frame. */
  limit: number;
  /** More than `MAX_DOM_NODES` in view: the canvas overview draws the plan, React Flow holds nothing. */
  overview: boolean;
}

/** A selected or dragged node stays in the window wherever it is: Delete and the drag still reach it. */
const keepNode = (node: TaskNode) => node.selected === true || node.dragging === true;

/**
 * What React Flow gets of a plan: all of a plan under `OVERVIEW_FROM` nodes; of a bigger one, the window
 * around the view (see viewport-window.ts), or nothing in the overview. Follows the viewport through React
 * Flow's store outside React: the canvas re-renders when the view leaves the window or the mode flips, not
 * on every pan or zoom step. A window that starts from no nodes mounts `MOUNT_STEP` of them per frame, those in
 * view first.
 */
export function useViewportWindow(
  nodes: TaskNode[],
  edges: LinkEdge[],
): { nodes: TaskNode[]; edges: LinkEdge[]; overview: boolean } {
  const store = useStoreApi<TaskNode, LinkEdge>();
  const graph = useMemo(
    () =>
      nodes.length >= OVERVIEW_FROM
        ? { nodes, edges, index: createNodeIndex(nodes), byId: new Map(nodes.map((node) => [node.id, node])) }
        : null,
    [nodes, edges],
  );
  const [state, setState] = useState<WindowState | null>(null);

  // A layout effect: the first window is there before the first paint.
  useLayoutEffect(() => {
    if (graph === null) return;
    const follow = () => {
      const { transform, width, height } = store.getState();
      // Before React Flow has measured its pane, the window's size stands in for it.
      const view = viewRect(transform, width || window.innerWidth, height || window.innerHeight);
      const overview = graph.index.countInRect(view, MAX_DOM_NODES + 1) > MAX_DOM_NODES;
      setState((current) => {
        if (
          current !== null &&
          current.overview === overview &&
          (overview || !windowIsStale(current.rect, view))
        ) {
          return current;
        }
        // Nothing mounted yet (the plan opens, or the view leaves the overview): mount in steps.
        return {
          rect: grow(view, WINDOW_MARGIN),
          view,
          limit: current === null || current.overview ? MOUNT_STEP : current.limit,
          overview,
        };
      });
    };
    follow();
    return store.subscribe((next, previous) => {
      if (
        next.transform !== previous.transform ||
        next.width !== previous.width ||
        next.height !== previous.height
      )
        follow();
    });
  }, [graph, store]);

  const rect = state === null || state.overview ? null : state.rect;
  const whole = useMemo(
    () => (graph === null || rect === null ? null : windowOf(graph, rect, keepNode)),
    [graph, rect],
  );
  // Mounting in steps: one more step per frame until the window is whole.
  const mountedSoFar =
    whole !== null && state !== null && state.limit < whole.nodes.length ? state.limit : null;
  useEffect(() => {
    if (mountedSoFar === null) return;
    const frame = requestAnimationFrame(() =>
      setState((current) =>
        current?.limit === mountedSoFar ? { ...current, limit: mountedSoFar + MOUNT_STEP } : current,
      ),
    );
    return () => cancelAnimationFrame(frame);
  }, [mountedSoFar]);

  return useMemo(() => {
    if (graph === null) return { nodes, edges, overview: false };
    // (null: only until the layout effect has run, before the first paint.)
    if (whole === null || state === null) {
      return { nodes: NO_NODES, edges: NO_EDGES, overview: state?.overview ?? false };
    }
    return { ...firstOfWindow(whole, state.view, state.limit), overview: false };
  }, [graph, whole, state, nodes, edges]);
}
