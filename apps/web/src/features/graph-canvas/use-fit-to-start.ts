"use client";

import { useNodesInitialized, useReactFlow, useStoreApi } from "@xyflow/react";
import { useCallback, useEffect, useRef } from "react";
import type { LinkEdge, TaskNode } from "../../graph/flow-elements.ts";
import { startViewport } from "../../graph/start-viewport.ts";

/** Plans with more nodes than this get a minimap (a smaller one is all on screen anyway). */
export const MINIMAP_FROM = 20;
/** Height kept free at the bottom of the opening view, so that the minimap covers no node. */
const MINIMAP_BAND = 150;

/** Moves the canvas to `startViewport`: the whole plan if readable, else its start at a readable zoom. */
export function useFitToStart(): (options?: { duration?: number }) => void {
  const flow = useReactFlow<TaskNode, LinkEdge>();
  const store = useStoreApi<TaskNode, LinkEdge>();
  return useCallback(
    (options) => {
      const { width, height } = store.getState();
      const nodes = flow.getNodes();
      const boxes = nodes.map((node) => ({
        x: node.position.x,
        y: node.position.y,
        width: node.measured?.width ?? node.width ?? 200,
        height: node.measured?.height ?? node.height ?? 60,
      }));
      const bottomBand = nodes.length > MINIMAP_FROM ? MINIMAP_BAND : 0;
      void flow.setViewport(startViewport(boxes, width, height, { bottomBand }), options);
    },
    [flow, store],
  );
}

/** Inside a canvas: opens it at the start viewport once its nodes are first measured. */
export function OpenAtStart() {
  const initialized = useNodesInitialized();
  const fitToStart = useFitToStart();
  const done = useRef(false);
  useEffect(() => {
    if (!initialized || done.current) return;
    done.current = true;
    fitToStart();
  }, [initialized, fitToStart]);
  return null;
}
