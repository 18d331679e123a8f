import type { TaskKind } from "@taskloom/core";
import { type Edge, MarkerType, type Node } from "@xyflow/react";
import type { GraphLink, LinkKind } from "./cycle-feedback.ts";
import { type LayoutPositions, NODE_HEIGHT, NODE_WIDTH, type Position } from "./layout.ts";

export interface TaskNodeData extends Record<string, unknown> {
  key: string;
  name: string;
  kind: TaskKind;
}

export interface LinkEdgeData extends Record<string, unknown> {
  kind: LinkKind;
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

export function toTaskNode(task: GraphTask, position: Position): TaskNode {
  return {
    id: task.key,
    type: "task",
    position,
    // Known sizes let React Flow cull off-screen nodes before it has measured them (1,000-task plans).
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
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
    ariaLabel: `${link.to} ${link.kind} ${link.from}`,
    // Arrowheads show the direction of execution; `refers` links are context only and get none.
    ...(link.kind === "requires"
      ? { markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18, color: "#64748b" } }
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
