import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PlanDefinition } from "../types.ts";
import {
  parsePlanText,
  planToDocument,
  serializePlan,
  validatePlanObject,
  validatePlanText,
} from "./index.ts";
import { planArbitrary } from "./test-arbitraries.ts";

function roundTrip(plan: PlanDefinition, format: "yaml" | "json"): PlanDefinition {
  const text = serializePlan(plan, format);
  const outcome = validatePlanText(text, { format });
  if (!outcome.ok)
    throw new Error(`does not parse back:\n${text}\n${JSON.stringify(outcome.issues, null, 2)}`);
  return outcome.plan;
}

describe("serializePlan", () => {
  it("round-trips random valid plans through YAML", () => {
    fc.assert(
      fc.property(planArbitrary, (plan) => {
        expect(roundTrip(plan, "yaml")).toEqual(plan);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it("round-trips random valid plans through JSON (and JSON.parse reads the output)", () => {
    fc.assert(
      fc.property(planArbitrary, (plan) => {
        expect(roundTrip(plan, "json")).toEqual(plan);
        const outcome = validatePlanObject(JSON.parse(serializePlan(plan, "json")));
        expect(outcome.ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it("leaves defaults out and writes durations in their short form", () => {
    const plan = parsePlanText(`
plan: demo
tasks:
  a:
    run: echo a
    timeout: 300000
    retries: { max: 2, delay: 1500 }
  b:
    kind: noop
    requires: [a]
`);
    expect(serializePlan(plan, "yaml")).toBe(`plan: demo
tasks:
  a:
    run: echo a
    retries: {max: 2, delay: 1500ms}
    timeout: 5m
  b:
    kind: noop
    requires: [a]
`);
  });

  it("moves values that every task shares under defaults", () => {
    const plan = parsePlanText(`
plan: demo
tasks:
  a: { run: echo a, timeout: 30s, retries: { max: 1 }, queue: io, output: json }
  b: { run: echo b, timeout: 30s, retries: { max: 1 }, queue: io, output: json, priority: 0 }
`);
    const text = serializePlan(plan, "yaml");
    expect(text).toBe(`plan: demo
defaults:
  retries: {max: 1}
  timeout: 30s
  queue: io
  output: json
tasks:
  a:
    run: echo a
  b:
    run: echo b
`);
    expect(parsePlanText(text)).toEqual(plan);
  });

  it("writes a task's parent", () => {
    const plan = parsePlanText(
      "plan: p\ntasks:\n  build: { kind: noop }\n  compile: { kind: noop, parent: build }\n",
    );
    const text = serializePlan(plan, "yaml");
    expect(text).toContain("parent: build");
    expect(parsePlanText(text).tasks[1]?.parent).toBe("build");
  });

  it("keeps the task order, integer-like keys included", () => {
    const plan = parsePlanText(`
plan: order
tasks:
  b: { run: echo b }
  "2": { run: echo 2 }
  1: { run: echo 1 }
`);
    expect(plan.tasks.map((task) => task.key)).toEqual(["b", "2", "1"]);
    for (const format of ["yaml", "json"] as const) {
      expect(parsePlanText(serializePlan(plan, format)).tasks.map((task) => task.key)).toEqual([
        "b",
        "2",
        "1",
      ]);
    }
  });

  it("keeps whitespace-only multi-line strings (which the yaml library writes wrongly as block scalars)", () => {
    const plan = parsePlanText(
      'plan: ws\ngoal: " \\n"\nindex: "  \\n\\n"\ntasks:\n  a: { run: " \\n x", env: { A: " \\n" }, cwd: "a\\n \\n " }\n',
    );
    expect(plan.goal).toBe(" \n");
    expect(parsePlanText(serializePlan(plan, "yaml"))).toEqual(plan);
  });

  it("quotes strings that YAML 1.1 readers would take for dates, booleans or numbers", () => {
    const plan = parsePlanText(
      'plan: q\nparams: { day: "2026-11-20", ok: "yes", num: "1_000", t: "1:20", s: "plain" }\ntasks: {}\n',
    );
    expect(serializePlan(plan, "yaml")).toBe(
      'plan: q\nparams:\n  day: "2026-11-20"\n  ok: "yes"\n  num: "1_000"\n  t: "1:20"\n  s: plain\ntasks: {}\n',
    );
  });

  it("writes JSON that JSON.parse reads", () => {
    const plan = parsePlanText(
      "plan: j\ntasks:\n  a: { kind: http, url: 'http://x.test/', body: { a: 1 } }\n",
    );
    const json: unknown = JSON.parse(serializePlan(plan, "json"));
    expect(json).toEqual({
      plan: "j",
      tasks: { a: { kind: "http", url: "http://x.test/", body: '{"a":1}' } },
    });
  });
});

describe("planToDocument", () => {
  it("gives a document that validates back to the same plan (task order aside for integer-like keys)", () => {
    fc.assert(
      fc.property(planArbitrary, (plan) => {
        const outcome = validatePlanObject(planToDocument(plan));
        if (!outcome.ok) expect.fail(JSON.stringify(outcome.issues));
        const byKey = (a: { key: string }, b: { key: string }) =>
          a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
        expect({ ...outcome.plan, tasks: [...outcome.plan.tasks].sort(byKey) }).toEqual({
          ...plan,
          tasks: [...plan.tasks].sort(byKey),
        });
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});
