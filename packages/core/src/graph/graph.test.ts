import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CycleError } from "../errors.ts";
import {
  findCycle,
  type GraphEdge,
  topologicalOrder,
  transitiveDependents,
  wouldCreateCycle,
} from "./index.ts";
import { MinHeap } from "./min-heap.ts";

/** A random DAG: edges only go from an earlier to a later position of a random permutation. */
const dagArbitrary = fc
  .integer({ min: 0, max: 40 })
  .chain((size) =>
    fc.record({
      permutation: fc.shuffledSubarray(
        Array.from({ length: size }, (_, index) => `n${index}`),
        { minLength: size, maxLength: size },
      ),
      pairs: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: size * 3 }),
    }),
  )
  .map(({ permutation, pairs }) => {
    const edges: GraphEdge[] = [];
    const size = permutation.length;
    for (const [first, second] of pairs) {
      if (size < 2) break;
      const a = first % size;
      const b = second % size;
      if (a === b) continue;
      const from = permutation[Math.min(a, b)];
      const to = permutation[Math.max(a, b)];
      if (from !== undefined && to !== undefined) edges.push([from, to]);
    }
    const nodes = Array.from({ length: size }, (_, index) => `n${index}`);
    return { nodes, edges };
  });

/** A random directed graph, cycles and self-loops allowed. */
const graphArbitrary = fc.integer({ min: 1, max: 15 }).chain((size) =>
  fc.record({
    nodes: fc.constant(Array.from({ length: size }, (_, index) => `n${index}`)),
    edges: fc.array(
      fc
        .tuple(fc.nat({ max: size - 1 }), fc.nat({ max: size - 1 }))
        .map(([from, to]): GraphEdge => [`n${from}`, `n${to}`]),
      { maxLength: size * 2 },
    ),
  }),
);

function edgeSet(edges: readonly GraphEdge[]): Set<string> {
  return new Set(edges.map(([from, to]) => `${from}\u0000${to}`));
}

function isClosedPath(path: readonly string[], edges: readonly GraphEdge[]): boolean {
  const set = edgeSet(edges);
  if (path.length < 2 || path[0] !== path[path.length - 1]) return false;
  for (let index = 0; index + 1 < path.length; index++) {
    if (!set.has(`${path[index]}\u0000${path[index + 1]}`)) return false;
  }
  return true;
}

describe("MinHeap", () => {
  it("pops values in ascending order", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1000 })), (values) => {
        const heap = new MinHeap();
        for (const value of values) heap.push(value);
        const popped: number[] = [];
        for (let value = heap.pop(); value !== undefined; value = heap.pop()) popped.push(value);
        expect(popped).toEqual([...values].sort((a, b) => a - b));
      }),
    );
  });
});

describe("topologicalOrder", () => {
  it("keeps the input order when there are no edges", () => {
    expect(topologicalOrder(["c", "a", "b"], [])).toEqual(["c", "a", "b"]);
  });

  it("orders a diamond stably", () => {
    const edges: GraphEdge[] = [
      ["a", "c"],
      ["a", "b"],
      ["b", "d"],
      ["c", "d"],
    ];
    expect(topologicalOrder(["a", "b", "c", "d"], edges)).toEqual(["a", "b", "c", "d"]);
    expect(topologicalOrder(["d", "c", "b", "a"], edges)).toEqual(["a", "c", "b", "d"]);
  });

  it("prefers the earliest available node in input order", () => {
    // x is only available after z, y is available at once.
    expect(topologicalOrder(["x", "y", "z"], [["z", "x"]])).toEqual(["y", "z", "x"]);
  });

  it("lists duplicates once and adds unknown edge endpoints", () => {
    expect(topologicalOrder(["a", "a"], [["b", "a"]])).toEqual(["b", "a"]);
  });

  it("throws a CycleError naming the cycle", () => {
    const edges: GraphEdge[] = [
      ["a", "b"],
      ["b", "c"],
      ["c", "a"],
    ];
    try {
      topologicalOrder(["a", "b", "c", "d"], edges);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CycleError);
      if (!(error instanceof CycleError)) return;
      expect(error.cycle).toEqual(["a", "b", "c", "a"]);
      expect(error.message).toBe("cycle: a -> b -> c -> a");
      expect(error.code).toBe("CYCLE");
    }
  });

  it("respects every edge of random DAGs", () => {
    fc.assert(
      fc.property(dagArbitrary, ({ nodes, edges }) => {
        const order = topologicalOrder(nodes, edges);
        expect([...order].sort()).toEqual([...nodes].sort());
        const position = new Map(order.map((node, index) => [node, index]));
        for (const [from, to] of edges) {
          expect(position.get(from)).toBeLessThan(position.get(to) ?? -1);
        }
      }),
    );
  });
});

describe("findCycle", () => {
  it("returns null for a DAG", () => {
    expect(findCycle(["a", "b"], [["a", "b"]])).toBeNull();
    expect(findCycle([], [])).toBeNull();
  });

  it("finds a self-loop", () => {
    expect(findCycle(["a"], [["a", "a"]])).toEqual(["a", "a"]);
  });

  it("is deterministic: starts from the first node, follows edges in input order", () => {
    const edges: GraphEdge[] = [
      ["a", "b"],
      ["b", "c"],
      ["c", "a"],
      ["x", "y"],
      ["y", "x"],
    ];
    expect(findCycle(["x", "y", "a", "b", "c"], edges)).toEqual(["x", "y", "x"]);
    expect(findCycle(["a", "b", "c", "x", "y"], edges)).toEqual(["a", "b", "c", "a"]);
    expect(findCycle(["b", "a", "c"], edges)).toEqual(["b", "c", "a", "b"]);
  });

  it("returns only the cycle part of the DFS path", () => {
    const edges: GraphEdge[] = [
      ["s", "a"],
      ["a", "b"],
      ["b", "a"],
    ];
    expect(findCycle(["s", "a", "b"], edges)).toEqual(["a", "b", "a"]);
  });

  it("returns null or a real cycle, and null exactly when a topological order exists", () => {
    fc.assert(
      fc.property(graphArbitrary, ({ nodes, edges }) => {
        const cycle = findCycle(nodes, edges);
        if (cycle === null) {
          expect(() => topologicalOrder(nodes, edges)).not.toThrow();
        } else {
          expect(isClosedPath(cycle, edges)).toBe(true);
          // A simple cycle: no node repeats except the closing one.
          expect(new Set(cycle.slice(0, -1)).size).toBe(cycle.length - 1);
          expect(() => topologicalOrder(nodes, edges)).toThrow(CycleError);
        }
      }),
    );
  });

  it("finds no cycle in random DAGs", () => {
    fc.assert(
      fc.property(dagArbitrary, ({ nodes, edges }) => {
        expect(findCycle(nodes, edges)).toBeNull();
      }),
    );
  });
});

describe("wouldCreateCycle", () => {
  const nodes = ["a", "b", "c", "d"];
  const edges: GraphEdge[] = [
    ["a", "b"],
    ["b", "c"],
  ];

  it("returns the cycle the new edge would close, starting with it", () => {
    expect(wouldCreateCycle(nodes, edges, "c", "a")).toEqual(["c", "a", "b", "c"]);
    expect(wouldCreateCycle(nodes, edges, "b", "a")).toEqual(["b", "a", "b"]);
  });

  it("returns null for a safe edge", () => {
    expect(wouldCreateCycle(nodes, edges, "a", "c")).toBeNull();
    expect(wouldCreateCycle(nodes, edges, "d", "a")).toBeNull();
    expect(wouldCreateCycle(nodes, edges, "a", "new")).toBeNull();
  });

  it("refuses a self-loop", () => {
    expect(wouldCreateCycle(nodes, edges, "d", "d")).toEqual(["d", "d"]);
  });

  it("agrees with findCycle on random DAGs", () => {
    fc.assert(
      fc.property(dagArbitrary, fc.nat(), fc.nat(), ({ nodes: dagNodes, edges: dagEdges }, i, j) => {
        if (dagNodes.length === 0) return;
        const from = dagNodes[i % dagNodes.length] ?? "";
        const to = dagNodes[j % dagNodes.length] ?? "";
        const cycle = wouldCreateCycle(dagNodes, dagEdges, from, to);
        const withEdge: GraphEdge[] = [...dagEdges, [from, to]];
        expect(cycle === null).toBe(findCycle(dagNodes, withEdge) === null);
        if (cycle !== null) {
          expect(cycle[0]).toBe(from);
          expect(cycle[1]).toBe(to);
          expect(isClosedPath(cycle, withEdge)).toBe(true);
        }
      }),
    );
  });
});

describe("transitiveDependents", () => {
  it("lists everything reachable in BFS order, without the start", () => {
    const edges: GraphEdge[] = [
      ["a", "b"],
      ["a", "c"],
      ["b", "d"],
      ["c", "d"],
      ["d", "e"],
      ["x", "a"],
    ];
    expect(transitiveDependents("a", edges)).toEqual(["b", "c", "d", "e"]);
    expect(transitiveDependents("e", edges)).toEqual([]);
    expect(transitiveDependents("unknown", edges)).toEqual([]);
  });

  it("excludes the start even inside a cycle", () => {
    expect(
      transitiveDependents("a", [
        ["a", "b"],
        ["b", "a"],
      ]),
    ).toEqual(["b"]);
  });
});

describe("size", () => {
  it("handles 50k nodes and 100k edges (a long chain plus cross edges) without overflowing the stack", () => {
    const count = 50_000;
    const nodes = Array.from({ length: count }, (_, index) => `t${index}`);
    const edges: GraphEdge[] = [];
    for (let index = 0; index + 1 < count; index++) edges.push([`t${index}`, `t${index + 1}`]);
    for (let index = 0; edges.length < 100_000; index++) {
      const from = (index * 7919) % count;
      const to = from + 1 + ((index * 104_729) % 1000);
      if (to < count) edges.push([`t${from}`, `t${to}`]);
    }
    const order = topologicalOrder(nodes, edges);
    expect(order).toHaveLength(count);
    expect(order[0]).toBe("t0");
    expect(findCycle(nodes, edges)).toBeNull();
    expect(transitiveDependents("t0", edges)).toHaveLength(count - 1);

    const closing: GraphEdge[] = [...edges, [`t${count - 1}`, "t0"]];
    const cycle = findCycle(nodes, closing);
    expect(cycle?.length).toBe(count + 1);
    expect(() => topologicalOrder(nodes, closing)).toThrow(CycleError);
    expect(wouldCreateCycle(nodes, edges, `t${count - 1}`, "t0")?.[0]).toBe(`t${count - 1}`);
  });
});
