import { parsePlanObject } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { sweepDraftFrom, sweepToPlan } from "./sweep-draft.ts";
import { emptyDraft, validateDraft } from "./task-draft.ts";

const context = { planSlug: "demo", params: {}, otherKeys: ["fetch"] };
const swept = (sweep: Partial<ReturnType<typeof sweepDraftFrom>>) => ({
  ...emptyDraft("shell", "train"),
  run: "echo {{params.lr}}",
  sweep: { ...sweepDraftFrom(undefined), ...sweep },
});

describe("sweeps in the task form", () => {
  it("writes a matrix from comma-separated or JSON lists, with maxParallel and need", () => {
    const draft = swept({
      source: "matrix",
      matrix: [
        { name: "lr", value: "0.1, 0.01" },
        { name: "opt", value: '["sgd", "adam"]' },
      ],
      maxParallel: "2",
      need: "any",
    });
    const { task, ok } = validateDraft(draft, context);
    expect(ok).toBe(true);
    expect(task.sweep).toEqual({
      matrix: { lr: [0.1, 0.01], opt: ["sgd", "adam"] },
      maxParallel: 2,
      need: "any",
    });
  });

  it("shows the plan rules' messages on the sweep's own fields", () => {
    const at = (sweep: Parameters<typeof swept>[0]) => validateDraft(swept(sweep), context).issues;
    expect(at({ source: "matrix", matrix: [{ name: "lr", value: "" }] }).sweepMatrix?.[0]).toContain(
      "a matrix list needs at least one value",
    );
    expect(at({ source: "matrix", matrix: [{ name: "lr", value: "[0.1," }] }).sweepMatrix).toEqual([
      'a list starting with [ must be JSON, e.g. [0.1, 0.01] or ["sgd", "adam"]',
    ]);
    expect(at({ source: "items", items: "[]" }).sweepItems?.[0]).toContain("`items` needs at least one item");
    expect(at({ source: "items", items: "{nope" }).sweepItems?.[0]).toContain(
      "must be a JSON list of params",
    );
    expect(at({ source: "itemsFrom", itemsFrom: "fetch" }).sweepItemsFrom?.[0]).toContain(
      "must be one of this task's `requires`",
    );
    const limit = at({ source: "items", items: '[{"lr": 1}]', maxParallel: "0" });
    expect(limit.sweepMaxParallel).toEqual(["must be at least 1"]);
    // Without a sweep, `{{params.lr}}` is a param the plan does not declare.
    expect(at({ source: "none" }).run?.[0]).toContain("lr");
  });

  it("round-trips every stored sweep through the form", () => {
    const plan = parsePlanObject({
      plan: "demo",
      tasks: {
        fetch: { kind: "noop", output: "json" },
        grid: {
          kind: "noop",
          sweep: { matrix: { lr: [1, 0.5], opt: ["a", "1", "x,y", true] }, maxParallel: 3 },
        },
        listed: { kind: "noop", sweep: { items: [{ host: "a", port: 80 }, { host: "b" }], need: "any" } },
        fanned: { kind: "noop", requires: ["fetch"], sweep: { itemsFrom: "fetch" } },
      },
    });
    for (const task of plan.tasks) {
      const { sweep, issues } = sweepToPlan(sweepDraftFrom(task.sweep));
      expect(issues).toEqual({});
      const again = parsePlanObject({
        plan: "demo",
        tasks: {
          fetch: { kind: "noop", output: "json" },
          [task.key]: { kind: "noop", requires: task.requires, sweep },
        },
      });
      expect(again.tasks.find((t) => t.key === task.key)?.sweep).toEqual(task.sweep);
    }
    expect(sweepDraftFrom(plan.tasks[1]?.sweep).matrix).toEqual([
      { name: "lr", value: "1, 0.5" },
      { name: "opt", value: '["a","1","x,y",true]' },
    ]);
  });
});
