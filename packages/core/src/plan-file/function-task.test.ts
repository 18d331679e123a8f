import { describe, expect, it } from "vitest";
import { handlerWait, liveHandlers } from "../function-task.ts";
import { parsePlanText, serializePlan, validatePlanText } from "./index.ts";

const FUNCTION_PLAN = `plan: images
params: { width: 640 }
tasks:
  fetch:
    run: echo photo.jpg
  resize:
    kind: function
    handler: resize
    input: { path: "{{tasks.fetch.output}}", width: "{{params.width}}", crop: [1, 2] }
    requires: [fetch]
    retries: { max: 2 }
    timeout: 30s
    queue: images
  report:
    kind: function
    handler: images/report
    requires: [resize]
`;

function issuesOf(text: string): string[] {
  const result = validatePlanText(text);
  return result.ok ? [] : result.issues.map((issue) => `${issue.path} (${issue.code}): ${issue.message}`);
}

describe("kind: function in the plan file", () => {
  it("reads the handler, the input and the usual fields, and serializes back to the same plan", () => {
    const plan = parsePlanText(FUNCTION_PLAN);
    const resize = plan.tasks.find((task) => task.key === "resize");
    expect(resize?.spec).toEqual({
      kind: "function",
      handler: "resize",
      input: { path: "{{tasks.fetch.output}}", width: "{{params.width}}", crop: [1, 2] },
    });
    expect(resize).toMatchObject({ queue: "images", timeoutMs: 30_000, retry: { max: 2 } });
    expect(plan.tasks.find((task) => task.key === "report")?.spec).toEqual({
      kind: "function",
      handler: "images/report",
    });
    expect(parsePlanText(serializePlan(plan, "yaml"))).toEqual(plan);
  });

  it("requires a valid handler name and refuses other kinds' fields", () => {
    const issues = issuesOf(`plan: p
tasks:
  a: { kind: function }
  b: { kind: function, handler: "bad name" }
  c: { kind: function, handler: 42 }
  d: { kind: function, handler: ok, run: echo }
  e: { run: echo, handler: ok }
`);
    expect(issues).toEqual([
      "tasks.a (required): missing required field `handler` (for kind function)",
      expect.stringContaining("tasks.b.handler (invalid_value): invalid handler name `bad name`"),
      "tasks.c.handler (invalid_type): expected a handler name, got a number",
      "tasks.d.run (field_not_allowed): field `run` is not valid for kind function",
      "tasks.e.handler (field_not_allowed): field `handler` is not valid for kind shell",
    ]);
  });

  it("checks the templates in input like any templated field", () => {
    const issues = issuesOf(`plan: p
tasks:
  a: { run: echo }
  b:
    kind: function
    handler: h
    input: { list: ["{{params.nope}}", "{{tasks.a.output}}"] }
`);
    expect(issues).toEqual([
      expect.stringContaining("tasks.b.input.list[0] (template): {{params.nope}} refers to param `nope`"),
      expect.stringContaining(
        "tasks.b.input.list[1] (template): {{tasks.a.output}} refers to `a`, which this task does not require",
      ),
    ]);
  });
});

describe("handler waits", () => {
  const definition = { spec: { kind: "function" as const, handler: "resize" } };
  const now = 100_000;

  it("counts only the handlers of live workers", () => {
    const live = liveHandlers(
      [
        { heartbeatAt: now - 1000, handlers: ["resize"] },
        { heartbeatAt: now - 60_000, handlers: ["report"] },
      ],
      now,
    );
    expect([...live]).toEqual(["resize"]);
  });

  it("says a ready function task waits until a live worker has its handler", () => {
    expect(handlerWait({ status: "ready", definition }, new Set())).toBe(
      "waiting for a worker with handler `resize`",
    );
    expect(handlerWait({ status: "ready", definition }, new Set(["resize"]))).toBeNull();
    expect(handlerWait({ status: "running", definition }, new Set())).toBeNull();
    expect(
      handlerWait({ status: "ready", definition: { spec: { kind: "noop", output: null } } }, new Set()),
    ).toBeNull();
  });
});
