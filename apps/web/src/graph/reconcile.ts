import type { GraphLink } from "./cycle-feedback.ts";
import { type GraphTask, type LinkEdge, type TaskNode, toLinkEdges, toTaskNode } from "./flow-elements.ts";
import type { Position } from "./layout.ts";

/**
 * The canvas nodes after the plan changed on the server (a save, another tab, the CLI). Nodes that stay keep
 * their object when nothing about them changed (memoized nodes skip rendering), their on-screen position
 * (the user may have dragged it since) and their selection; new tasks take their stored position, or
 * `placeNew` (a grid slot until the layout runs); deleted tasks go.
 */
export function reconcileNodes(
  current: readonly TaskNode[],
  tasks: readonly (GraphTask & { position: Position | null })[],
  placeNew: (index: number) => Position,
): TaskNode[] {
  const byId = new Map(current.map((node) => [node.id, node]));
  let unchanged = current.length === tasks.length;
  const next = tasks.map((task, index) => {
    const existing = byId.get(task.key);
    if (existing === undefined) {
      unchanged = false;
      return toTaskNode(task, task.position ?? placeNew(index));
    }
    const { data } = existing;
    if (data.name === task.name && data.kind === task.kind) {
      if (current[index] !== existing) unchanged = false;
      return existing;
    }
    unchanged = false;
    return { ...existing, data: { key: task.key, name: task.name, kind: task.kind } };
  });
  return unchanged ? (current as TaskNode[]) : next;
}

/** The canvas edges for the plan's links; edges that stay keep their object (and so their selection). */
export function reconcileEdges(current: readonly LinkEdge[], links: readonly GraphLink[]): LinkEdge[] {
  const byId = new Map(current.map((edge) => [edge.id, edge]));
  const fresh = toLinkEdges(links);
  let unchanged = current.length === fresh.length;
  const next = fresh.map((edge, index) => {
    const existing = byId.get(edge.id);
    if (existing === undefined) {
      unchanged = false;
      return edge;
    }
    if (current[index] !== existing) unchanged = false;
    return existing;
  });
  return unchanged ? (current as LinkEdge[]) : next;
}

/** Moves the given nodes to new positions (a layout result), leaving the others untouched. */
export function withPositions(
  nodes: readonly TaskNode[],
  positions: Readonly<Record<string, Position>>,
): TaskNode[] {
  return nodes.map((node) => {
    const position = positions[node.id];
    return position === undefined ? node : { ...node, position };
  });
}
