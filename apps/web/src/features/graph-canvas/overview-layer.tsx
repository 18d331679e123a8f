"use client";

import { useStoreApi } from "@xyflow/react";
import { useEffect, useRef } from "react";
import type { LinkEdge, TaskNode } from "../../graph/flow-elements.ts";
import { drawGraph } from "../../graph/graph-overview.ts";
import { useTaskStatusStore } from "./task-status-context.tsx";

/**
 * The whole of a big plan on one canvas, over the (then empty) React Flow viewport: React Flow still pans
 * and zooms, this redraws once per frame in which the viewport, the nodes or a status changed.
 */
export function OverviewLayer({ nodes, edges }: { nodes: readonly TaskNode[]; edges: readonly LinkEdge[] }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const flow = useStoreApi<TaskNode, LinkEdge>();
  const statuses = useTaskStatusStore();

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext("2d");
    if (!canvas || !context) return;
    // Execution order only: the context links would make the picture a hairball.
    const requires = edges.filter((edge) => (edge.data?.kind ?? "requires") === "requires");
    let frame: number | null = null;
    const draw = () => {
      frame = null;
      const { width, height, transform } = flow.getState();
      const ratio = window.devicePixelRatio || 1;
      if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
      if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
      context.clearRect(0, 0, canvas.width, canvas.height);
      const [x, y, zoom] = transform;
      drawGraph(context, nodes, requires, statuses.getState().statuses, {
        scale: zoom * ratio,
        offsetX: x * ratio,
        offsetY: y * ratio,
        edgeColour: "#cbd5e1",
      });
    };
    const schedule = () => {
      if (frame === null) frame = requestAnimationFrame(draw);
    };
    draw();
    const stopFlow = flow.subscribe((state, previous) => {
      if (
        state.transform !== previous.transform ||
        state.width !== previous.width ||
        state.height !== previous.height
      )
        schedule();
    });
    const stopStatuses = statuses.subscribe(schedule);
    return () => {
      stopFlow();
      stopStatuses();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [nodes, edges, flow, statuses]);

  return (
    <canvas
      ref={canvasRef}
      data-testid="graph-overview"
      aria-label={`All ${nodes.length} tasks, drawn small: zoom in to read and edit them`}
      role="img"
      className="pointer-events-none absolute inset-0 size-full"
    />
  );
}
