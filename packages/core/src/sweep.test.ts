import { describe, expect, it } from "vitest";
import { canTransitionTaskRun } from "./state-machine.ts";
import {
  MAX_SWEEP_POINTS,
  pointConcurrency,
  pointsFromOutput,
  pointsNeeded,
  pointTaskKey,
  staticPointCount,
  staticPoints,
  sweepOutputs,
  UNNEEDED_POINT_STATUSES,
  unneededPointStatus,
} from "./sweep.ts";
import { renderTemplate } from "./template.ts";
import { TASK_RUN_STATUSES } from "./types.ts";

describe("sweep points", () => {
  it("expands a matrix with the last list varying fastest, and items in order", () => {
    const sweep = {
      matrix: [
        { name: "a", values: [1, 2] },
        { name: "b", values: ["x", "y"] },
      ],
      maxParallel: null,
      need: "all" as const,
    };
    expect(staticPoints(sweep)).toEqual([
      { a: 1, b: "x" },
      { a: 1, b: "y" },
      { a: 2, b: "x" },
      { a: 2, b: "y" },
    ]);
    expect(staticPointCount(sweep)).toBe(4);
    const items = { items: [{ lr: 1 }, { lr: 2 }], maxParallel: null, need: "any" as const };
    expect(staticPoints(items)).toEqual([{ lr: 1 }, { lr: 2 }]);
    expect(staticPointCount({ itemsFrom: "gen", maxParallel: null, need: "all" })).toBeNull();
    expect(pointTaskKey("train", 3)).toBe("train[3]");
  });

  it("makes one point per element of an itemsFrom array, and says why a non-array makes none", () => {
    expect(pointsFromOutput("gen", '[{"lr":1,"cfg":{"x":1}},"a",null,[1]]')).toEqual({
      ok: true,
      points: [{ lr: 1, cfg: '{"x":1}' }, { item: "a" }, { item: "null" }, { item: "[1]" }],
    });
    expect(pointsFromOutput("gen", "[]")).toEqual({ ok: true, points: [] });
    expect(pointsFromOutput("gen", '{"a":1}')).toEqual({
      ok: false,
      error: expect.stringMatching(/needs a JSON array output .*got object/),
    });
    expect(pointsFromOutput("gen", null)).toEqual({
      ok: false,
      error: expect.stringContaining("got no JSON output"),
    });
    const tooMany = JSON.stringify(Array.from({ length: MAX_SWEEP_POINTS + 1 }, (_, i) => i));
    expect(pointsFromOutput("gen", tooMany)).toEqual({
      ok: false,
      error: expect.stringContaining("more than the"),
    });
  });

  it("needs every point with need: all and one with need: any", () => {
    expect(pointsNeeded({ need: "all" }, 5)).toBe(5);
    expect(pointsNeeded({ need: "any" }, 5)).toBe(1);
    expect(pointsNeeded({ need: "any" }, 0)).toBe(0);
  });

  it("keys maxParallel by run and task, else renders the task's own key with the point's params", () => {
    const sweep = { items: [{ gpu: 0 }], maxParallel: 2, need: "all" as const };
    expect(pointConcurrency({ key: "train", sweep }, { gpu: 0 }, "run_1", "p")).toEqual({
      key: "sweep:run_1/train",
      limit: 2,
    });
    expect(
      pointConcurrency(
        {
          key: "train",
          sweep: { ...sweep, maxParallel: null },
          concurrency: { key: "gpu-{{params.gpu}}", limit: 1 },
        },
        { gpu: 0 },
        "run_1",
        "p",
      ),
    ).toEqual({ key: "gpu-0", limit: 1 });
  });

  it("gathers the outputs in point order, JSON parsed, null for points that did not succeed", () => {
    const outputs = sweepOutputs([
      { status: "succeeded", output_text: '{"loss":1}', output_json: '{"loss":1}' },
      { status: "failed", output_text: null, output_json: null },
      { status: "succeeded", output_text: "plain", output_json: null },
    ]);
    expect(outputs).toEqual([{ loss: 1 }, null, "plain"]);
    const context = {
      params: {},
      tasks: { t: { output: "x", json: outputs } },
      run: { id: "r" },
      plan: { slug: "p" },
    };
    expect(renderTemplate("{{tasks.t.outputs}}", context)).toBe('[{"loss":1},null,"plain"]');
    expect(() =>
      renderTemplate("{{tasks.t.outputs}}", { ...context, tasks: { t: { output: "x", json: 1 } } }),
    ).toThrow(/is not swept/);
  });
});

describe("points a satisfied need: any sweep no longer needs", () => {
  it("skips the points that have not started, cancels those that started, and leaves finished ones alone", () => {
    const moves = Object.fromEntries(
      TASK_RUN_STATUSES.map((status) => [status, unneededPointStatus(status)]),
    );
    expect(moves).toMatchObject({
      pending: "skipped",
      ready: "skipped",
      running: "cancelled",
      retrying: "cancelled",
    });
    for (const status of TASK_RUN_STATUSES) {
      const to = unneededPointStatus(status);
      expect(to !== null).toBe(UNNEEDED_POINT_STATUSES.includes(status));
      // Each stop is a move the transition table allows.
      if (to !== null) expect(canTransitionTaskRun(status, to)).toBe(true);
    }
  });
});
