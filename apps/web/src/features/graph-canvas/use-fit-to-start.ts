"use client";

import { type ReactFlowState, useReactFlow, useStore, useStoreApi } from "@xyflow/react";
import { useCallback, useEffect, useRef } from "react";
import type { LinkEdge, TaskNode } from "../../graph/flow-elements.ts";
import { NODE_HEIGHT, NODE_WIDTH } from "../../graph/layout.ts";
import { startViewport } from "../../graph/start-viewport.ts";

/** Plans with more nodes than this get a minimap (a smaller one is all on screen anyway). */
export const MINIMAP_FROM = 20;
/** Height kept free at the bottom of the opening view, so that the minimap covers no node. */
const MINIMAP_BAND = 150;

/**
 * Moves the canvas to `startViewport` of `nodes`: the whole plan if readable, else its start at a readable
 * zoom. The nodes are the caller's, not React Flow's: right after a `setNodes` (a layout result) React Flow
 * still holds the old positions until it re-renders, which for a big plan can be several frames later (a fit
 * computed from them left a 5,000-task plan's view where its unlaid-out grid had been, with no node in it),
 * and in the overview it holds no nodes at all.
 */
export function useFitToStart(): (
  nodes: readonly Pick<TaskNode, "position">[],
  options?: { duration?: number },
) => void {
  const flow = useReactFlow<TaskNode, LinkEdge>();
  const store = useStoreApi<TaskNode, LinkEdge>();
  return useCallback(
    (nodes, options) => {
      const { width, height } = store.getState();
      // Not measured yet: `OpenAtStart` fits once the canvas and its nodes are.
      if (width <= 0 || height <= 0) return;
      // Every task node renders at the layout's size (task-node.tsx).
      const boxes = nodes.map(({ position }) => ({
        x: position.x,
        y: position.y,
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
      }));
      const bottomBand = nodes.length > MINIMAP_FROM ? MINIMAP_BAND : 0;
      void flow.setViewport(startViewport(boxes, width, height, { bottomBand }), options);
    },
    [flow, store],
  );
}

const paneMeasured = (state: ReactFlowState) => state.width > 0 && state.height > 0;

/**
 * Inside a canvas: opens it at the start viewport of `nodes` (those it shows) once the pane is measured and
 * there are nodes. Not once React Flow has measured them: it may hold none of them (a big plan's window, the
 * overview), and their sizes are known beforehand (toTaskNode).
 */
export function OpenAtStart({ nodes }: { nodes: readonly TaskNode[] }) {
  const measured = useStore(paneMeasured);
  const fitToStart = useFitToStart();
  const done = useRef(false);
  useEffect(() => {
    if (!measured || nodes.length === 0 || done.current) return;
    done.current = true;
    fitToStart(nodes);
  }, [measured, fitToStart, nodes]);
  return null;
}
