import { describe, expect, it } from "vitest";
import { toLinkEdges, toTaskNodes } from "./flow-elements.ts";
import { reconcileEdges, reconcileNodes, withPositions } from "./reconcile.ts";

const place = () => ({ x: -1, y: -1 });

describe("reconcileNodes", () => {
  const tasks = [
    { key: "a", name: "a", kind: "shell" as const, position: { x: 0, y: 0 } },
    { key: "b", name: "b", kind: "http" as const, position: null },
  ];

  it("returns the same array when nothing changed", () => {
    const nodes = toTaskNodes(tasks, { a: { x: 0, y: 0 }, b: { x: 5, y: 5 } });
    expect(reconcileNodes(nodes, tasks, place)).toBe(nodes);
  });

  it("keeps dragged positions and node objects, adds and removes tasks", () => {
    const nodes = toTaskNodes(tasks, { a: { x: 100, y: 100 }, b: { x: 5, y: 5 } });
    const next = reconcileNodes(
      nodes,
      [
        { key: "a", name: "Renamed", kind: "shell", position: { x: 0, y: 0 } },
        { key: "c", name: "c", kind: "noop", position: null },
      ],
      place,
    );
    expect(next.map((node) => [node.id, node.position])).toEqual([
      ["a", { x: 100, y: 100 }],
      ["c", { x: -1, y: -1 }],
    ]);
    expect(next[0]?.data.name).toBe("Renamed");
  });
});

describe("reconcileEdges", () => {
  it("keeps selected edges selected and follows the links", () => {
    const edges = toLinkEdges([{ from: "a", to: "b", kind: "requires" }]).map((edge) => ({
      ...edge,
      selected: true,
    }));
    const same = reconcileEdges(edges, [{ from: "a", to: "b", kind: "requires" }]);
    expect(same).toBe(edges);
    const next = reconcileEdges(edges, [
      { from: "a", to: "b", kind: "requires" },
      { from: "b", to: "c", kind: "refers" },
    ]);
    expect(next.map((edge) => [edge.id, edge.selected ?? false])).toEqual([
      ["requires:a->b", true],
      ["refers:b->c", false],
    ]);
  });
});

it("moves only the nodes it has positions for", () => {
  const nodes = toTaskNodes(
    [
      { key: "a", name: "a", kind: "shell" },
      { key: "b", name: "b", kind: "shell" },
    ],
    {},
  );
  const moved = withPositions(nodes, { b: { x: 9, y: 9 } });
  expect(moved[0]).toBe(nodes[0]);
  expect(moved[1]?.position).toEqual({ x: 9, y: 9 });
});
