import { expect, it } from "vitest";
import { NODE_HEIGHT, NODE_WIDTH } from "./layout.ts";
import { keepPinned, newRequiresLinks } from "./pinned-layout.ts";

it("finds the requires links that were added", () => {
  const before = [{ from: "a", to: "b", kind: "requires" as const }];
  const after = [
    ...before,
    { from: "b", to: "c", kind: "requires" as const },
    { from: "a", to: "c", kind: "refers" as const },
  ];
  expect(newRequiresLinks(before, after)).toEqual([{ from: "b", to: "c", kind: "requires" }]);
  expect(newRequiresLinks(after, before)).toEqual([]);
});

it("leaves pinned tasks out of a layout and moves tasks that would land on them", () => {
  const laidOut = { a: { x: 0, y: 0 }, b: { x: 300, y: 0 }, c: { x: 600, y: 0 } };
  const result = keepPinned(laidOut, { c: { x: 300, y: 10 } });
  expect(result.c).toBeUndefined();
  expect(result.a).toEqual({ x: 0, y: 0 });
  const b = result.b;
  if (!b) throw new Error("b is laid out");
  const clear = Math.abs(b.x - 300) >= NODE_WIDTH || Math.abs(b.y - 10) >= NODE_HEIGHT;
  expect(clear).toBe(true);
});
