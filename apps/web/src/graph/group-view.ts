import type { LinkEdge, TaskNode } from "./flow-elements.ts";

/** Each task's `parent` (the bigger task it is part of), for the tasks that have one. */
export type ParentMap = Readonly<Record<string, string>>;

export interface GroupInfo {
  /** Tasks under this one, at any depth. */
  descendants: number;
  expanded: boolean;
}

export interface GroupedGraph {
  nodes: TaskNode[];
  edges: LinkEdge[];
  /** The task that stands for each hidden task: its outermost collapsed ancestor. */
  shownAs: ReadonlyMap<string, string>;
}

/**
 * The canvas with groups: a task that has tasks under it (`parent`) is a group node, collapsed unless in
 * `expanded`. The tasks under a collapsed group are not shown; their links are drawn to and from the group
 * instead (one edge per pair and kind, read-only). Nodes and edges that do not change keep their objects,
 * so memoized nodes do not re-render. A plan without parents comes back as it went in.
 */
export function groupGraph(
  nodes: readonly TaskNode[],
  edges: readonly LinkEdge[],
  parents: ParentMap,
  expanded: ReadonlySet<string>,
): GroupedGraph {
  const descendants = new Map<string, number>();
  // The task that stands for each hidden one: its outermost collapsed ancestor.
  const shownAs = new Map<string, string>();
  for (const node of nodes) {
    const ancestors = ancestorsOf(node.id, parents);
    for (const ancestor of ancestors) descendants.set(ancestor, (descendants.get(ancestor) ?? 0) + 1);
    const outermost = ancestors.findLast((ancestor) => !expanded.has(ancestor));
    if (outermost !== undefined) shownAs.set(node.id, outermost);
  }
  if (descendants.size === 0) return { nodes: nodes as TaskNode[], edges: edges as LinkEdge[], shownAs };
  const shownNodes: TaskNode[] = [];
  for (const node of nodes) {
    if (shownAs.has(node.id)) continue;
    const count = descendants.get(node.id);
    const group = count === undefined ? undefined : { descendants: count, expanded: expanded.has(node.id) };
    const same =
      node.data.group?.descendants === group?.descendants && node.data.group?.expanded === group?.expanded;
    shownNodes.push(same ? node : { ...node, data: { ...node.data, group } });
  }
  const shownEdges: LinkEdge[] = [];
  const drawn = new Set<string>();
  for (const edge of edges) {
    const source = shownAs.get(edge.source) ?? edge.source;
    const target = shownAs.get(edge.target) ?? edge.target;
    if (source === edge.source && target === edge.target) {
      shownEdges.push(edge);
      continue;
    }
    const kind = edge.data?.kind ?? "requires";
    const id = `group:${kind}:${source}->${target}`;
    if (source === target || drawn.has(id)) continue;
    drawn.add(id);
    shownEdges.push({
      ...edge,
      id,
      source,
      target,
      selectable: false,
      deletable: false,
      focusable: false,
      data: { kind, grouped: true },
    });
  }
  return { nodes: shownNodes, edges: shownEdges, shownAs };
}

/**
 * The tasks `key` is under, nearest first: the groups to expand so that it is shown. A chain that loops
 * (the plan refuses one) stops at the first repeat.
 */
export function ancestorsOf(key: string, parents: ParentMap): string[] {
  const ancestors: string[] = [];
  const seen = new Set([key]);
  for (let at = parents[key]; at !== undefined && !seen.has(at); at = parents[at]) {
    seen.add(at);
    ancestors.push(at);
  }
  return ancestors;
}
