import ELK from "elkjs/lib/elk.bundled.js";
import { describe, expect, it } from "vitest";
import { missingPositions, NODE_WIDTH, positionsFromElk, toElkGraph } from "./layout.ts";

describe("toElkGraph", () => {
  it("maps tasks to fixed-size nodes and only requires links to edges", () => {
    const graph = toElkGraph({
      keys: ["a", "b", "c"],
      links: [
        { from: "a", to: "b", kind: "requires" },
        { from: "c", to: "a", kind: "refers" },
        { from: "a", to: "ghost", kind: "requires" },
      ],
    });
    expect(graph.children?.map((child) => [child.id, child.width])).toEqual([
      ["a", NODE_WIDTH],
      ["b", NODE_WIDTH],
      ["c", NODE_WIDTH],
    ]);
    expect(graph.edges).toEqual([{ id: "e0", sources: ["a"], targets: ["b"] }]);
  });

  it("lays a chain out left to right with ELK", async () => {
    const elk = new ELK();
    const laidOut = await elk.layout(
      toElkGraph({
        keys: ["fetch", "clean", "report"],
        links: [
          { from: "fetch", to: "clean", kind: "requires" },
          { from: "clean", to: "report", kind: "requires" },
        ],
      }),
    );
    const positions = positionsFromElk(laidOut);
    expect(Object.keys(positions)).toEqual(["fetch", "clean", "report"]);
    const xs = ["fetch", "clean", "report"].map((key) => positions[key]?.x ?? Number.NaN);
    expect(xs[0]).toBeLessThan(xs[1] ?? 0);
    expect(xs[1]).toBeLessThan(xs[2] ?? 0);
  });
});

it("finds tasks without a stored position", () => {
  expect(missingPositions(["a", "b", "c"], { a: { x: 0, y: 0 }, b: null })).toEqual(["b", "c"]);
});
