import { BadInputError, PlanValidationError } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { definePlan, isDefinedPlan } from "./define-plan.ts";
import { defineTask, isTaskHandler } from "./define-task.ts";
import { handlersExportedBy, planExportedBy } from "./module-exports.ts";

const resize = defineTask("resize", async (input: { width: number }, ctx) => {
  ctx.log.info("resizing to", input.width);
  return { width: input.width };
});

describe("defineTask", () => {
  it("names a handler that a worker recognises", () => {
    expect(resize.name).toBe("resize");
    expect(isTaskHandler(resize)).toBe(true);
    expect(isTaskHandler({ name: "resize", run: () => 1 })).toBe(false);
    expect(Object.isFrozen(resize)).toBe(true);
  });

  it("refuses a name that cannot name a handler, and a missing function", () => {
    expect(() => defineTask("bad name", () => 1)).toThrow(BadInputError);
    expect(() => defineTask("", () => 1)).toThrow("a handler name must be a non-empty string");
    expect(() => defineTask("ok", undefined as never)).toThrow('defineTask("ok", …) needs a function to run');
  });
});

describe("definePlan", () => {
  it("gives the definition a plan file with the same content would, handlers by name", () => {
    const plan = definePlan({
      plan: "thumbnails",
      params: { width: 320 },
      tasks: {
        list: { run: "ls photos" },
        resize: {
          kind: "function",
          handler: resize,
          input: { width: "{{params.width}}" },
          requires: ["list"],
          retries: { max: 2 },
          timeout: "30s",
        },
      },
    });
    expect(isDefinedPlan(plan)).toBe(true);
    expect(plan.slug).toBe("thumbnails");
    expect(plan.document.tasks).toMatchObject({ resize: { handler: "resize" } });
    const task = plan.definition.tasks[1];
    expect(task).toMatchObject({
      key: "resize",
      kind: "function",
      spec: { kind: "function", handler: "resize", input: { width: "{{params.width}}" } },
      requires: ["list"],
      timeoutMs: 30_000,
      retry: { max: 2 },
    });
  });

  it("throws the plan file's own validation errors, every problem with its path", () => {
    let error: unknown;
    try {
      definePlan({
        plan: "Bad Slug",
        tasks: {
          a: { kind: "function" } as never,
          b: { run: "echo", requires: ["nope"] },
        },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PlanValidationError);
    expect((error as PlanValidationError).issues.map((issue) => issue.path)).toEqual([
      "plan",
      "tasks.a",
      "tasks.b.requires[0]",
    ]);
    expect((error as Error).message).toContain(
      "tasks.a: missing required field `handler` (for kind function)",
    );
  });
});

describe("module exports", () => {
  const report = defineTask("report", () => "ok");
  const archive = defineTask("archive", () => null);

  it("finds handlers exported one by one, as a list or as an object, each once", () => {
    const found = handlersExportedBy({
      resize,
      default: [resize, report],
      all: { report, archive, other: 42 },
      plain: "text",
    });
    expect(found.map((handler) => handler.name)).toEqual(["resize", "report", "archive"]);
  });

  it("finds the one plan a module exports, and says so when there is none or several", () => {
    const plan = definePlan({ plan: "p", tasks: { a: { kind: "noop" } } });
    expect(planExportedBy({ default: plan, again: plan }, "plan.ts")).toBe(plan);
    expect(() => planExportedBy({ resize }, "plan.ts")).toThrow(
      "plan.ts exports no plan: export one with `export default definePlan({ … })`",
    );
    const other = definePlan({ plan: "q", tasks: { a: { kind: "noop" } } });
    expect(() => planExportedBy({ plan, other }, "plan.ts")).toThrow("plan.ts exports 2 plans (`p`, `q`)");
  });
});
