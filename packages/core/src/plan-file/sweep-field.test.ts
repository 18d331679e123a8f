import { describe, expect, it } from "vitest";
import { serializePlan } from "./serialize.ts";
import { issueLines } from "./test-issues.ts";
import { parsePlanText } from "./validate.ts";

const plan = (sweep: string, extra = "") => `plan: swept
tasks:
  gen: { run: "echo [1]", output: json }
  train:
    run: echo {{params.lr}}
    requires: [gen]
    sweep: ${sweep}
${extra}`;

const issuesOf = issueLines;

describe("sweep field", () => {
  it("reads a matrix in file order with its defaults, and round-trips through YAML and JSON", () => {
    const definition = parsePlanText(
      plan("{ matrix: { lr: [0.1, 0.01], seed: [1, 2, 3] }, maxParallel: 2 }"),
    );
    expect(definition.tasks[1]?.sweep).toEqual({
      matrix: [
        { name: "lr", values: [0.1, 0.01] },
        { name: "seed", values: [1, 2, 3] },
      ],
      maxParallel: 2,
      need: "all",
    });
    for (const format of ["yaml", "json"] as const) {
      expect(parsePlanText(serializePlan(definition, format), { format })).toEqual(definition);
    }
  });

  it("reads items and itemsFrom with need: any", () => {
    const items = parsePlanText(plan("{ items: [{ lr: 1 }, { lr: 2, tag: x }], need: any }"));
    expect(items.tasks[1]?.sweep).toEqual({
      items: [{ lr: 1 }, { lr: 2, tag: "x" }],
      maxParallel: null,
      need: "any",
    });
    const dynamic = parsePlanText(plan("{ itemsFrom: gen }").replace("{{params.lr}}", "{{params.anything}}"));
    expect(dynamic.tasks[1]?.sweep).toEqual({ itemsFrom: "gen", maxParallel: null, need: "all" });
    expect(parsePlanText(serializePlan(dynamic, "yaml"))).toEqual(dynamic);
  });

  it("leaves a task without a sweep without the field (its hash does not change)", () => {
    expect(parsePlanText("plan: p\ntasks:\n  a: { run: echo }\n").tasks[0]).not.toHaveProperty("sweep");
  });

  it("says what is wrong with bad shapes, empty lists and too many points", () => {
    expect(issuesOf(plan("[1, 2]"))).toEqual([
      expect.stringMatching(/^tasks\.train\.sweep: expected a mapping/),
    ]);
    expect(issuesOf(plan("{ maxParallel: 2 }"))).toEqual([expect.stringContaining("a sweep needs one of")]);
    expect(issuesOf(plan("{ matrix: { lr: [1] }, items: [{ lr: 1 }] }"))).toEqual([
      "tasks.train.sweep.items: a sweep takes only one of matrix, items and itemsFrom (got matrix and items)",
    ]);
    expect(issuesOf(plan("{ matrix: { lr: [] } }"))).toEqual([
      "tasks.train.sweep.matrix.lr: a matrix list needs at least one value (an empty list makes no points)",
    ]);
    expect(issuesOf(plan("{ matrix: {} }"))).toEqual([
      expect.stringMatching(/^tasks\.train\.sweep\.matrix: expected a mapping/),
    ]);
    expect(issuesOf(plan("{ items: [] }"))).toEqual([
      expect.stringContaining("`items` needs at least one item"),
    ]);
    expect(issuesOf(plan("{ items: [{ lr: [1] }] }"))).toEqual([
      expect.stringMatching(/^tasks\.train\.sweep\.items\[0\]\.lr: expected a string, number or boolean/),
    ]);
    expect(issuesOf(plan("{ matrix: { lr: [1], 9x: [2] } }"))).toEqual([
      expect.stringMatching(/^tasks\.train\.sweep\.matrix\.9x: invalid param name/),
    ]);
    const hundred = `[${Array.from({ length: 101 }, (_, i) => i).join(",")}]`;
    expect(issuesOf(plan(`{ matrix: { lr: ${hundred}, b: ${hundred} } }`))).toEqual([
      "tasks.train.sweep.matrix: the matrix makes 10201 points, more than the 10000 a sweep may have",
    ]);
    expect(issuesOf(plan("{ matrix: { lr: [1] }, maxParallel: 0, need: some, extra: 1 }"))).toEqual([
      "tasks.train.sweep.extra: unknown field `extra`",
      expect.stringMatching(/^tasks\.train\.sweep\.maxParallel: .*at least 1/),
      expect.stringMatching(/^tasks\.train\.sweep\.need: /),
    ]);
  });

  it("checks itemsFrom against requires, maxParallel against concurrency keys, and the templates", () => {
    expect(issuesOf(plan("{ itemsFrom: other }"))).toEqual([
      "tasks.train.sweep.itemsFrom: sweep itemsFrom `other` must be one of this task's `requires` (its output makes the points)",
    ]);
    expect(
      issuesOf(
        plan("{ matrix: { lr: [1] }, maxParallel: 1 }").replace(
          "    requires",
          "    exclusive: true\n    requires",
        ),
      ),
    ).toEqual([expect.stringMatching(/^tasks\.train\.sweep\.maxParallel: .*cannot be combined/)]);
    expect(issuesOf(plan("{ matrix: { seed: [1] } }"))).toEqual([
      expect.stringMatching(/^tasks\.train\.run: .*param `lr`/),
    ]);
    const report = "  report:\n    run: echo {{tasks.train.outputs}}\n    requires: [train]\n";
    expect(issuesOf(plan("{ matrix: { lr: [1] } }", report))).toEqual([]);
    const wrong = "  report:\n    run: echo {{tasks.gen.outputs}}\n    requires: [gen]\n";
    expect(issuesOf(plan("{ matrix: { lr: [1] } }", wrong))).toEqual([
      "tasks.report.run: {{tasks.gen.outputs}}: `gen` has no `sweep`; use {{tasks.gen.output}}",
    ]);
  });

  it("refuses a sweep on an approval task, which a person decides once", () => {
    const text = "plan: gated\ntasks:\n  gate:\n    kind: approval\n    sweep: { matrix: { n: [1, 2] } }\n";
    expect(issuesOf(text)).toEqual([
      expect.stringMatching(/^tasks\.gate\.sweep: an approval task cannot be swept/),
    ]);
  });
});
