import type { GraphEdge } from "./indexed-graph.ts";

/**
 * Every node reachable from `start` by following edges `[from, to]`, excluding `start` itself, in BFS order
 * (edges followed in input order). Used to block the transitive dependents of a failed task.
 */
export function transitiveDependents(start: string, edges: readonly GraphEdge[]): string[] {
  const out = new Map<string, string[]>();
  for (const [from, to] of edges) {
    const list = out.get(from);
    if (list === undefined) out.set(from, [to]);
    else list.push(to);
  }
  const seen = new Set<string>([start]);
  const order: string[] = [];
  for (let head = -1; head < order.length; head++) {
    const node = head < 0 ? start : (order[head] ?? start);
    for (const next of out.get(node) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      order.push(next);
    }
  }
  return order;
}
