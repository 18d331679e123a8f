import { describe, expect, it } from "vitest";
import { type LinkEdge, type TaskNode, toLinkEdges, toTaskNodes } from "./flow-elements.ts";
import { ancestorsOf, groupGraph } from "./group-view.ts";

const tasks = ["stage", "build", "compile", "link", "ship"].map((key) => ({
  key,
  name: key,
  kind: "noop" as const,
}));
const nodes: TaskNode[] = toTaskNodes(tasks, {});
const edges: LinkEdge[] = toLinkEdges([
  { from: "compile", to: "link", kind: "requires" },
  { from: "link", to: "ship", kind: "requires" },
  { from: "compile", to: "ship", kind: "requires" },
  { from: "stage", to: "ship", kind: "refers" },
]);
// stage ⊃ build ⊃ {compile, link}
const parents = { build: "stage", compile: "build", link: "build" };

describe("groupGraph", () => {
  it("shows a collapsed group as one node, its links drawn to the group once, read-only", () => {
    const view = groupGraph(nodes, edges, parents, new Set());
    expect(view.nodes.map((node) => [node.id, node.data.group])).toEqual([
      ["stage", { descendants: 3, expanded: false }],
      ["ship", undefined],
    ]);
    expect(view.edges.map((edge) => [edge.id, edge.selectable, edge.deletable])).toEqual([
      ["group:requires:stage->ship", false, false],
      // Between two shown tasks: the link itself, editable as ever.
      ["refers:stage->ship", undefined, undefined],
    ]);
  });

  it("expands one level at a time, and keeps untouched nodes and edges as they were", () => {
    const view = groupGraph(nodes, edges, parents, new Set(["stage"]));
    expect(view.nodes.map((node) => node.id)).toEqual(["stage", "build", "ship"]);
    expect(view.nodes[2]).toBe(nodes[4]);
    const all = groupGraph(nodes, edges, parents, new Set(["stage", "build"]));
    expect(all.nodes.map((node) => node.id)).toEqual(["stage", "build", "compile", "link", "ship"]);
    expect(all.nodes[0]?.data.group).toEqual({ descendants: 3, expanded: true });
    expect(all.edges).toEqual(edges);
  });

  it("gives a plan without parents back unchanged", () => {
    const view = groupGraph(nodes, edges, {}, new Set());
    expect(view.nodes).toBe(nodes);
    expect(view.edges).toBe(edges);
  });

  it("lists ancestors nearest first and survives a parent loop", () => {
    expect(ancestorsOf("compile", parents)).toEqual(["build", "stage"]);
    expect(ancestorsOf("a", { a: "b", b: "a" })).toEqual(["b"]);
  });
});
