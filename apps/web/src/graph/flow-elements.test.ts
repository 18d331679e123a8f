import { expect, it } from "vitest";
import { edgeId, linkOfEdge, toLinkEdges, toTaskNodes } from "./flow-elements.ts";

it("maps tasks to nodes, falling back to a grid for missing positions", () => {
  const nodes = toTaskNodes(
    [
      { key: "a", name: "A", kind: "shell" },
      { key: "b", name: "b", kind: "http" },
    ],
    { a: { x: 10, y: 20 } },
  );
  expect(nodes.map((node) => [node.id, node.position])).toEqual([
    ["a", { x: 10, y: 20 }],
    ["b", { x: 260, y: 0 }],
  ]);
  expect(nodes[1]?.data).toEqual({ key: "b", name: "b", kind: "http" });
});

it("maps links to edges with arrowheads only on requires, and back", () => {
  const edges = toLinkEdges([
    { from: "a", to: "b", kind: "requires" },
    { from: "b", to: "c", kind: "refers" },
  ]);
  expect(edges.map((edge) => [edge.id, edge.source, edge.target, edge.markerEnd !== undefined])).toEqual([
    ["requires:a->b", "a", "b", true],
    ["refers:b->c", "b", "c", false],
  ]);
  const first = edges[0];
  if (first) expect(linkOfEdge(first)).toEqual({ from: "a", to: "b", kind: "requires" });
  expect(edgeId({ from: "x", to: "y", kind: "refers" })).toBe("refers:x->y");
});
