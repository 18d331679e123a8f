"use client";

import { Panel, useReactFlow, useStoreApi } from "@xyflow/react";
import { type PointerEvent, useEffect, useMemo, useRef } from "react";
import type { LinkEdge, TaskNode } from "../../graph/flow-elements.ts";
import { boundsOf, drawGraph } from "../../graph/graph-overview.ts";
import { useTaskStatusStore } from "./task-status-context.tsx";

const WIDTH = 200;
const HEIGHT = 150;
const PAD = 6;

/**
 * The minimap of a big plan: React Flow's MiniMap is one SVG element and one store subscription per node
 * (5,000 of them), this is one canvas. The nodes are drawn once per change into a bitmap; a viewport change
 * only copies it and draws the viewport's frame. Pressing or dragging on it moves the view there.
 */
export function CanvasMinimap({ nodes }: { nodes: readonly TaskNode[] }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const flow = useStoreApi<TaskNode, LinkEdge>();
  const { setCenter } = useReactFlow<TaskNode, LinkEdge>();
  const statuses = useTaskStatusStore();
  const bounds = useMemo(() => boundsOf(nodes), [nodes]);
  const scale = Math.min((WIDTH - 2 * PAD) / bounds.width, (HEIGHT - 2 * PAD) / bounds.height);
  const offsetX = PAD + (WIDTH - 2 * PAD - bounds.width * scale) / 2 - bounds.x * scale;
  const offsetY = PAD + (HEIGHT - 2 * PAD - bounds.height * scale) / 2 - bounds.y * scale;

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext("2d");
    if (!canvas || !context) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = WIDTH * ratio;
    canvas.height = HEIGHT * ratio;
    const picture = document.createElement("canvas");
    picture.width = canvas.width;
    picture.height = canvas.height;
    const paint = () => {
      const pictureContext = picture.getContext("2d");
      if (!pictureContext) return;
      pictureContext.clearRect(0, 0, picture.width, picture.height);
      drawGraph(pictureContext, nodes, [], statuses.getState().statuses, {
        scale: scale * ratio,
        offsetX: offsetX * ratio,
        offsetY: offsetY * ratio,
      });
    };
    let frame: number | null = null;
    const draw = () => {
      frame = null;
      const { width, height, transform } = flow.getState();
      const [x, y, zoom] = transform;
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, canvas.width, canvas.height);
      context.drawImage(picture, 0, 0);
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.strokeStyle = "#4f46e5";
      context.lineWidth = 1.5;
      context.strokeRect(
        offsetX + (-x / zoom) * scale,
        offsetY + (-y / zoom) * scale,
        (width / zoom) * scale,
        (height / zoom) * scale,
      );
    };
    const schedule = () => {
      if (frame === null) frame = requestAnimationFrame(draw);
    };
    // The first picture in a task of its own: drawing every node is not to lengthen the canvas's mount.
    const first = setTimeout(() => {
      paint();
      draw();
    });
    const stopFlow = flow.subscribe((state, previous) => {
      if (state.transform !== previous.transform) schedule();
    });
    const stopStatuses = statuses.subscribe(() => {
      paint();
      schedule();
    });
    return () => {
      clearTimeout(first);
      stopFlow();
      stopStatuses();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [nodes, flow, statuses, scale, offsetX, offsetY]);

  const moveTo = (event: PointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const zoom = flow.getState().transform[2];
    void setCenter(
      (event.clientX - rect.left - offsetX) / scale,
      (event.clientY - rect.top - offsetY) / scale,
      {
        zoom,
      },
    );
  };

  return (
    <Panel position="bottom-right" className="react-flow__minimap">
      <canvas
        ref={canvasRef}
        data-testid="canvas-minimap"
        role="img"
        aria-label="Minimap of the plan graph"
        style={{ width: WIDTH, height: HEIGHT }}
        className="block cursor-pointer rounded-md bg-white shadow-sm ring-1 ring-slate-200"
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          moveTo(event);
        }}
        onPointerMove={(event) => {
          if (event.buttons === 1) moveTo(event);
        }}
      />
    </Panel>
  );
}
