import { CycleError } from "../errors.ts";
import { findCycleIndices } from "./cycles.ts";
import { type GraphEdge, indexGraph, nameOf, neighbours } from "./indexed-graph.ts";
import { MinHeap } from "./min-heap.ts";

/**
 * The nodes in an order where, for every edge `[from, to]`, `from` comes before `to` (Kahn's algorithm).
 * Stable: whenever several nodes are available, the one earliest in `nodes` comes first (a min-heap keyed
 * by input position, so O((V+E) log V)); a graph without edges keeps its input order. Duplicate nodes are
 * listed once; edge endpoints missing from `nodes` are added after them.
 * @throws CycleError naming one cycle when the graph has any.
 */
export function topologicalOrder(nodes: readonly string[], edges: readonly GraphEdge[]): string[] {
  const graph = indexGraph(nodes, edges);
  const count = graph.names.length;
  const inDegree = new Int32Array(count);
  for (const out of graph.out) for (const to of out) inDegree[to] = (inDegree[to] ?? 0) + 1;

  const available = new MinHeap();
  for (let index = 0; index < count; index++) if (inDegree[index] === 0) available.push(index);

  const order: string[] = [];
  for (let node = available.pop(); node !== undefined; node = available.pop()) {
    order.push(nameOf(graph, node));
    for (const next of neighbours(graph, node)) {
      const remaining = (inDegree[next] ?? 0) - 1;
      inDegree[next] = remaining;
      if (remaining === 0) available.push(next);
    }
  }

  if (order.length < count) {
    const cycle = findCycleIndices(graph);
    // Kahn leaves nodes behind only when there is a cycle, so the DFS always finds one.
    throw new CycleError(cycle === null ? [] : cycle.map((index) => nameOf(graph, index)));
  }
  return order;
}
