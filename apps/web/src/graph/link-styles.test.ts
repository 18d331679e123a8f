import { LINK_KINDS } from "@taskloom/core";
import { expect, it } from "vitest";
import { kindsIn, LINK_KIND_STYLES } from "./link-styles.ts";

it("draws every link kind differently", () => {
  const looks = LINK_KINDS.map((kind) => `${LINK_KIND_STYLES[kind].stroke} ${LINK_KIND_STYLES[kind].dash}`);
  expect(new Set(looks).size).toBe(LINK_KINDS.length);
  const dashes = LINK_KINDS.map((kind) => LINK_KIND_STYLES[kind].dash);
  expect(new Set(dashes).size).toBe(LINK_KINDS.length);
});

it("lists the kinds present, in the fixed order", () => {
  expect(kindsIn([{ kind: "relates_to" }, { kind: "requires" }, { kind: "relates_to" }])).toEqual([
    "requires",
    "relates_to",
  ]);
});
