import type { TaskRunStatus } from "@taskloom/core";
import { NODE_HEIGHT, NODE_WIDTH, type Position } from "./layout.ts";

/**
 * A big plan seen whole is drawn on one <canvas> instead of as DOM nodes: React Flow renders the nodes in
 * view, and at the zoom that shows a 5,000-task plan whole that is all 5,000 of them (seconds of main-thread
 * work per zoom step). Past `MAX_DOM_NODES` in view, the canvas takes over; zooming back in hands over to
 * React Flow again, with at most that many nodes to mount (in steps, see MOUNT_STEP). At 100 the switch comes
 * about where nodes turn into plain blocks anyway (zoom 0.4 at 1280×800); at 160, unmounting the nodes when
 * entering the overview was itself a task of 50–60 ms of CPU.
 */
export const MAX_DOM_NODES = 100;
/** Plans with at least this many nodes can switch to the canvas (and get the canvas minimap). */
export const OVERVIEW_FROM = 400;

export interface OverviewNode {
  id: string;
  position: Position;
}

export interface OverviewEdge {
  source: string;
  target: string;
}

/** A React Flow transform: [x, y, zoom]. */
export type Transform = readonly [number, number, number];

/** The bounding box of the nodes, in flow coordinates. */
export function boundsOf(nodes: readonly OverviewNode[]): {
  x: number;
  y: number;
  width: number;
  height: number;
} {
  if (nodes.length === 0) return { x: 0, y: 0, width: NODE_WIDTH, height: NODE_HEIGHT };
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const { position } of nodes) {
    minX = Math.min(minX, position.x);
    minY = Math.min(minY, position.y);
    maxX = Math.max(maxX, position.x + NODE_WIDTH);
    maxY = Math.max(maxY, position.y + NODE_HEIGHT);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/** Node colours on the canvas: the border colours of the DOM nodes (status-style.ts), by status. */
const STATUS_COLOURS: Readonly<Record<TaskRunStatus, string>> = {
  pending: "#cbd5e1",
  ready: "#38bdf8",
  running: "#3b82f6",
  retrying: "#f59e0b",
  succeeded: "#10b981",
  failed: "#f43f5e",
  cancelled: "#a1a1aa",
  blocked: "#fb923c",
  skipped: "#d6d3d1",
  waiting: "#d946ef",
};
const NO_STATUS = "#94a3b8";

/**
 * Draws nodes as rectangles (one path per colour) and `requires` links as straight lines (one path), in flow
 * coordinates mapped by `scale` and `offset`: a few milliseconds for 5,000 nodes.
 */
export function drawGraph(
  context: CanvasRenderingContext2D,
  nodes: readonly OverviewNode[],
  edges: readonly OverviewEdge[],
  statuses: Readonly<Record<string, TaskRunStatus>>,
  {
    scale,
    offsetX,
    offsetY,
    edgeColour,
  }: { scale: number; offsetX: number; offsetY: number; edgeColour?: string },
): void {
  context.setTransform(scale, 0, 0, scale, offsetX, offsetY);
  const byId = new Map(nodes.map((node) => [node.id, node.position]));
  if (edgeColour !== undefined && edges.length > 0) {
    context.beginPath();
    for (const edge of edges) {
      const from = byId.get(edge.source);
      const to = byId.get(edge.target);
      if (!from || !to) continue;
      context.moveTo(from.x + NODE_WIDTH, from.y + NODE_HEIGHT / 2);
      context.lineTo(to.x, to.y + NODE_HEIGHT / 2);
    }
    context.strokeStyle = edgeColour;
    context.lineWidth = Math.max(1 / scale, 1.5);
    context.stroke();
  }
  const byColour = new Map<string, OverviewNode[]>();
  for (const node of nodes) {
    const status = statuses[node.id];
    const colour = status === undefined ? NO_STATUS : (STATUS_COLOURS[status] ?? NO_STATUS);
    const list = byColour.get(colour);
    if (list) list.push(node);
    else byColour.set(colour, [node]);
  }
  for (const [colour, list] of byColour) {
    context.beginPath();
    for (const { position } of list) context.rect(position.x, position.y, NODE_WIDTH, NODE_HEIGHT);
    context.fillStyle = colour;
    context.fill();
  }
  context.setTransform(1, 0, 0, 1, 0, 0);
}
