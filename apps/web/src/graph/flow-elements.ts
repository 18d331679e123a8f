import type { TaskKind } from "@taskloom/core";
import { type Edge, MarkerType, type Node, type NodeHandle, Position as Side } from "@xyflow/react";
import type { GraphLink, LinkKind } from "./cycle-feedback.ts";
import type { GroupInfo } from "./group-view.ts";
import { type LayoutPositions, NODE_HEIGHT, NODE_WIDTH, type Position } from "./layout.ts";
import { LINK_KIND_STYLES } from "./link-styles.ts";

export interface TaskNodeData extends Record<string, unknown> {
  key: string;
  name: string;
  kind: TaskKind;
  /** Set on a task that has tasks under it (`parent`): it is drawn as a group that expands and collapses. */
  group?: GroupInfo | undefined;
}

export interface LinkEdgeData extends Record<string, unknown> {
  kind: LinkKind;
  /** Set on an edge that stands for links to or from tasks inside a collapsed group (read-only). */
  grouped?: boolean;
}

export type TaskNode = Node<TaskNodeData, "task">;
export type LinkEdge = Edge<LinkEdgeData, "link">;

export interface GraphTask {
  key: string;
  name: string;
  kind: TaskKind;
}

export function edgeId(link: Pick<GraphLink, "from" | "to" | "kind">): string {
  return `${link.kind}:${link.from}->${link.to}`;
}

/** React Flow nodes for tasks. Data holds only what never changes while the canvas is open. */
export function toTaskNodes(
  tasks: readonly GraphTask[],
  positions: Readonly<LayoutPositions>,
  fallback: (index: number) => Position = gridPosition,
): TaskNode[] {
  return tasks.map((task, index) => toTaskNode(task, positions[task.key] ?? fallback(index)));
}

/** The handles' size in globals.css (`.react-flow__handle`): 10 px squares centred on the node's sides. */
const HANDLE_SIZE = 10;
const handleAt = (type: "source" | "target", x: number): NodeHandle => ({
  // `null` as on the rendered <Handle> (no id): React Flow finds a handle's element by its id.
  id: null,
  type,
  position: type === "source" ? Side.Right : Side.Left,
  x: x - HANDLE_SIZE / 2,
  y: NODE_HEIGHT / 2 - HANDLE_SIZE / 2,
  width: HANDLE_SIZE,
  height: HANDLE_SIZE,
});
/** Shared by every node: they all have the same two handles. */
const NODE_HANDLES: NodeHandle[] = [handleAt("target", 0), handleAt("source", NODE_WIDTH)];
const NODE_SIZE = { width: NODE_WIDTH, height: NODE_HEIGHT };

export function toTaskNode(task: GraphTask, position: Position): TaskNode {
  return {
    id: task.key,
    type: "task",
    position,
    // Known sizes and handles: React Flow otherwise renders every node it has not measured yet, in view or not,
    // to measure its handles (all 5,000 nodes of a big plan on open, and again after the overview).
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
    measured: NODE_SIZE,
    handles: NODE_HANDLES,
    ariaLabel: `Task ${task.key}`,
    data: { key: task.key, name: task.name, kind: task.kind },
  };
}

/** React Flow edges for links; the source handle is the upstream task. */
export function toLinkEdges(links: readonly GraphLink[]): LinkEdge[] {
  return links.map((link) => ({
    id: edgeId(link),
    type: "link",
    source: link.from,
    target: link.to,
    ariaLabel: `${link.to} ${LINK_KIND_STYLES[link.kind].label} ${link.from}`,
    // Arrowheads show the direction of execution; the other kinds are context only and get none.
    ...(LINK_KIND_STYLES[link.kind].arrow
      ? {
          markerEnd: {
            type: MarkerType.ArrowClosed,
            width: 18,
            height: 18,
            color: LINK_KIND_STYLES[link.kind].stroke,
          },
        }
      : {}),
    data: { kind: link.kind },
  }));
}

export function linkOfEdge(edge: Pick<LinkEdge, "source" | "target" | "data">): GraphLink {
  return { from: edge.source, to: edge.target, kind: edge.data?.kind ?? "requires" };
}

/** Where a task goes while its real layout is computed: a plain grid, so nothing overlaps meanwhile. */
export function gridPosition(index: number): Position {
  const columns = 8;
  return { x: (index % columns) * 260, y: Math.floor(index / columns) * 100 };
}
