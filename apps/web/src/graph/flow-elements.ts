import type { TaskKind } from "@taskloom/core";
import type { Edge, Node } from "@xyflow/react";
import type { GraphLink, LinkKind } from "./cycle-feedback.ts";
import type { LayoutPositions, Position } from "./layout.ts";

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
  return tasks.map((task, index) => ({
    id: task.key,
    type: "task",
    position: positions[task.key] ?? fallback(index),
    data: { key: task.key, name: task.name, kind: task.kind },
  }));
}

/** React Flow edges for links; the source handle is the upstream task. */
export function toLinkEdges(links: readonly GraphLink[]): LinkEdge[] {
  return links.map((link) => ({
    id: edgeId(link),
    type: "link",
    source: link.from,
    target: link.to,
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
