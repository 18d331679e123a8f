/**
 * Internal: a graph given as names and `[from, to]` pairs, turned into dense integer indices so that the
 * algorithms can use typed arrays and stay O(V+E).
 */
export interface IndexedGraph {
  /** Node names by index: the given nodes first (duplicates dropped), then edge endpoints not among them. */
  names: string[];
  indexOf: Map<string, number>;
  /** Outgoing neighbours of each node, in edge input order (parallel edges kept). */
  out: number[][];
}

export type GraphEdge = readonly [string, string];

function addNode(graph: IndexedGraph, name: string): number {
  const existing = graph.indexOf.get(name);
  if (existing !== undefined) return existing;
  const index = graph.names.length;
  graph.names.push(name);
  graph.indexOf.set(name, index);
  graph.out.push([]);
  return index;
}

export function indexGraph(nodes: readonly string[], edges: readonly GraphEdge[]): IndexedGraph {
  const graph: IndexedGraph = { names: [], indexOf: new Map(), out: [] };
  for (const node of nodes) addNode(graph, node);
  for (const [from, to] of edges) {
    const fromIndex = addNode(graph, from);
    const toIndex = addNode(graph, to);
    neighbours(graph, fromIndex).push(toIndex);
  }
  return graph;
}

/** The outgoing neighbours of `index` (always defined for an index of the graph). */
export function neighbours(graph: IndexedGraph, index: number): number[] {
  const list = graph.out[index];
  if (list === undefined) throw new RangeError(`node index out of range: ${index}`);
  return list;
}

export function nameOf(graph: IndexedGraph, index: number): string {
  const name = graph.names[index];
  if (name === undefined) throw new RangeError(`node index out of range: ${index}`);
  return name;
}
