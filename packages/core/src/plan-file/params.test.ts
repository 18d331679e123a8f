import { describe, expect, it } from "vitest";
import { BadInputError } from "../errors.ts";
import { effectiveParams, parsePlanText, resolveRunParams } from "./index.ts";

const plan = parsePlanText(`
plan: params
params: { day: "2026-11-20", rows: 40, dry: false }
tasks:
  a:
    run: echo {{params.region}} {{params.day}}
    params: { region: north, rows: 10 }
  b:
    run: echo {{params.region}}
    params: { region: south, limit: 2.5 }
`);

describe("resolveRunParams", () => {
  it("coerces each given value to the type of its declared default", () => {
    expect(
      resolveRunParams(plan, { day: "2026-11-21", rows: "100", dry: "TRUE", limit: "-0.5", region: "7" }),
    ).toEqual({
      day: "2026-11-21",
      rows: 100,
      dry: true,
      limit: -0.5,
      region: "7",
    });
  });

  it("returns only the given params", () => {
    expect(resolveRunParams(plan, {})).toEqual({});
    expect(resolveRunParams(plan, { dry: "false" })).toEqual({ dry: false });
  });

  it("refuses an unknown param and lists the declared ones", () => {
    expect(() => resolveRunParams(plan, { dya: "x" })).toThrow(
      new BadInputError("unknown param `dya` (declared: day, rows, dry, region, limit)"),
    );
    const bare = parsePlanText("plan: bare\ntasks: {}\n");
    expect(() => resolveRunParams(bare, { x: "1" })).toThrow("unknown param `x` (declared: none)");
  });

  it("refuses values that do not coerce", () => {
    expect(() => resolveRunParams(plan, { rows: "many" })).toThrow(
      "param `rows` expects a number, got `many`",
    );
    expect(() => resolveRunParams(plan, { rows: " " })).toThrow(BadInputError);
    expect(() => resolveRunParams(plan, { dry: "yes" })).toThrow(
      "param `dry` expects true or false, got `yes`",
    );
  });
});

describe("effectiveParams", () => {
  it("layers plan, task and run params", () => {
    const [a, b] = plan.tasks;
    if (a === undefined || b === undefined) throw new Error("tasks missing");
    expect(effectiveParams(plan, a, {})).toEqual({
      day: "2026-11-20",
      rows: 10,
      dry: false,
      region: "north",
    });
    expect(effectiveParams(plan, b, { rows: 5, region: "east" })).toEqual({
      day: "2026-11-20",
      rows: 5,
      dry: false,
      region: "east",
      limit: 2.5,
    });
  });
});
