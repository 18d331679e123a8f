"use client";

import { useStoreApi } from "@xyflow/react";
import { useLayoutEffect, useMemo, useState } from "react";
import type { LinkEdge, TaskNode } from "../../graph/flow-elements.ts";
import { MAX_DOM_NODES, OVERVIEW_FROM } from "../../graph/graph-overview.ts";
import {
  createNodeIndex,
  grow,
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
  /** More than `MAX_DOM_NODES` in view: the canvas overview draws the plan, React Flow holds nothing. */
  overview: boolean;
}

/** A selected or dragged node stays in the window wherever it is: Delete and the drag still reach it. */
const keepNode = (node: TaskNode) => node.selected === true || node.dragging === true;

/**
 * What React Flow gets of a plan: all of a plan under `OVERVIEW_FROM` nodes; of a bigger one, the window
 * around the view (see viewport-window.ts), or nothing in the overview. Follows the viewport through React
 * Flow's store outside React: the canvas re-renders when the view leaves the window or the mode flips, not
 * on every pan or zoom step.
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
      setState((current) =>
        current !== null && current.overview === overview && (overview || !windowIsStale(current.rect, view))
          ? current
          : { rect: grow(view, WINDOW_MARGIN), overview },
      );
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

  return useMemo(() => {
    if (graph === null) return { nodes, edges, overview: false };
    // (null: only until the layout effect has run, before the first paint.)
    if (state === null || state.overview) {
      return { nodes: NO_NODES, edges: NO_EDGES, overview: state?.overview ?? false };
    }
    return { ...windowOf(graph, state.rect, keepNode), overview: false };
  }, [graph, state, nodes, edges]);
}
