import { describe, expect, it } from "vitest";
import { NotFoundError } from "./errors.ts";
import { parsePlanObject } from "./plan-file/index.ts";
import { planReplay } from "./replay-plan.ts";

const plan = parsePlanObject({
  plan: "p",
  tasks: {
    a: { kind: "noop" },
    s: { kind: "noop", requires: ["a"] },
    down: { kind: "noop", requires: ["s"] },
    failed: { kind: "noop" },
    added: { kind: "noop" },
  },
});

describe("planReplay", () => {
  it("runs the one task, reuses what succeeded in the source run, skips everything else", () => {
    const source = new Map([
      ["a", "succeeded"],
      ["s", "failed"],
      ["down", "blocked"],
      ["failed", "failed"],
    ] as const);
    expect(planReplay({ taskKey: "s", tasks: plan.tasks, source })).toEqual({
      run: "s",
      reuse: ["a"],
      skip: ["down", "failed", "added"],
    });
    const succeeded = new Map([
      ["a", "succeeded"],
      ["s", "succeeded"],
      ["down", "succeeded"],
    ] as const);
    // Downstream of the replayed task keeps its source output: it is not run again.
    expect(planReplay({ taskKey: "s", tasks: plan.tasks, source: succeeded }).reuse).toEqual(["a", "down"]);
  });

  it("refuses a task the plan no longer has", () => {
    expect(() => planReplay({ taskKey: "gone", tasks: plan.tasks, source: new Map() })).toThrow(
      NotFoundError,
    );
  });
});
