import { type GraphEdge, type IndexedGraph, indexGraph, nameOf, neighbours } from "./indexed-graph.ts";

const WHITE = 0;
const GREY = 1;
const BLACK = 2;

/** Internal: the first cycle found by an iterative DFS over an indexed graph, as a closed index path. */
export function findCycleIndices(graph: IndexedGraph): number[] | null {
  const count = graph.names.length;
  const colour = new Uint8Array(count);
  const stackPosition = new Int32Array(count).fill(-1);
  const stack: number[] = [];
  const nextEdge: number[] = [];

  for (let start = 0; start < count; start++) {
    if (colour[start] !== WHITE) continue;
    colour[start] = GREY;
    stackPosition[start] = 0;
    stack.push(start);
    nextEdge.push(0);
    while (stack.length > 0) {
      const depth = stack.length - 1;
      const node = stack[depth] ?? 0;
      const edgeIndex = nextEdge[depth] ?? 0;
      const out = neighbours(graph, node);
      if (edgeIndex < out.length) {
        nextEdge[depth] = edgeIndex + 1;
        const next = out[edgeIndex] ?? 0;
        if (colour[next] === GREY) {
          const from = stackPosition[next] ?? 0;
          const cycle = stack.slice(from);
          cycle.push(next);
          return cycle;
        }
        if (colour[next] === WHITE) {
          colour[next] = GREY;
          stackPosition[next] = stack.length;
          stack.push(next);
          nextEdge.push(0);
        }
      } else {
        colour[node] = BLACK;
        stackPosition[node] = -1;
        stack.pop();
        nextEdge.pop();
      }
    }
  }
  return null;
}

/**
 * A cycle of the directed graph as a closed path (`["a", "b", "c", "a"]`; a self-loop is `["a", "a"]`), or
 * null when the graph is acyclic. Edges are `[from, to]`. Iterative DFS, so deep chains cannot overflow the
 * stack. Deterministic: the search starts from the nodes in input order and follows edges in input order.
 * Edge endpoints missing from `nodes` are added after them.
 */
export function findCycle(nodes: readonly string[], edges: readonly GraphEdge[]): string[] | null {
  const graph = indexGraph(nodes, edges);
  const cycle = findCycleIndices(graph);
  return cycle === null ? null : cycle.map((index) => nameOf(graph, index));
}

/**
 * Whether adding the edge `from -> to` to the graph would close a cycle. If it would, returns the cycle as a
 * closed path that starts with the new edge: `[from, to, ..., from]` (the shortest such path, found by BFS
 * following edges in input order); `[from, from]` for a self-loop. Returns null when the edge is safe.
 * The existing graph is assumed, not checked, to be acyclic.
 */
export function wouldCreateCycle(
  nodes: readonly string[],
  edges: readonly GraphEdge[],
  from: string,
  to: string,
): string[] | null {
  if (from === to) return [from, from];
  const graph = indexGraph(nodes, edges);
  const target = graph.indexOf.get(from);
  const source = graph.indexOf.get(to);
  if (target === undefined || source === undefined) return null;

  const parent = new Int32Array(graph.names.length).fill(-1);
  parent[source] = source;
  const queue: number[] = [source];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] ?? 0;
    for (const next of neighbours(graph, node)) {
      if (parent[next] !== -1) continue;
      parent[next] = node;
      if (next === target) {
        const path: string[] = [];
        for (let at = target; at !== source; at = parent[at] ?? source) path.push(nameOf(graph, at));
        path.push(to);
        path.reverse();
        return [from, ...path];
      }
      queue.push(next);
    }
  }
  return null;
}
