import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError } from "./errors.ts";
import { IllegalActionError } from "./operator-actions.ts";
import { DEFAULT_RETRY_POLICY } from "./plan-file/defaults.ts";
import { planRerun, type RerunSourceTask } from "./rerun.ts";
import type { TaskDefinition, TaskRunStatus } from "./types.ts";

function task(key: string, requires: string[] = [], run = `echo ${key}`): TaskDefinition {
  return {
    key,
    name: key,
    kind: "shell",
    spec: { kind: "shell", run, env: {}, cwd: null },
    params: {},
    requires,
    refers: [],
    priority: 0,
    queue: "default",
    retry: { ...DEFAULT_RETRY_POLICY },
    timeoutMs: null,
    output: "text",
  };
}

// a → b → c, a → d (independent of b), e alone.
const tasks = [task("a"), task("b", ["a"]), task("c", ["b"]), task("d", ["a"]), task("e")];

function source(statuses: Record<string, TaskRunStatus>, defs = tasks): Map<string, RerunSourceTask> {
  return new Map(
    defs
      .filter((t) => statuses[t.key])
      .map((t) => [t.key, { status: statuses[t.key] as TaskRunStatus, definition: t }]),
  );
}

const allSucceeded = {
  a: "succeeded",
  b: "succeeded",
  c: "succeeded",
  d: "succeeded",
  e: "succeeded",
} as const;

describe("planRerun", () => {
  it("from a task: reruns it and its downstream, reuses everything else", () => {
    const plan = planRerun({
      sourceRunId: "r",
      sourceStatus: "succeeded",
      tasks,
      source: source(allSucceeded),
      from: { task: "b" },
    });
    expect(plan).toEqual({ reuse: ["a", "d", "e"], run: ["b", "c"] });
  });

  it("from failure: reruns what did not succeed and its downstream", () => {
    const plan = planRerun({
      sourceRunId: "r",
      sourceStatus: "failed",
      tasks,
      source: source({ a: "succeeded", b: "failed", c: "blocked", d: "succeeded", e: "cancelled" }),
      from: "failure",
    });
    expect(plan).toEqual({ reuse: ["a", "d"], run: ["b", "c", "e"] });
  });

  it("reruns an upstream whose definition changed since the source run, and what depends on it", () => {
    const current = [task("a", [], "echo fixed"), ...tasks.slice(1)];
    const plan = planRerun({
      sourceRunId: "r",
      sourceStatus: "succeeded",
      tasks: current,
      source: source(allSucceeded),
      from: { task: "c" },
    });
    expect(plan).toEqual({ reuse: ["e"], run: ["a", "b", "c", "d"] });
  });

  it("runs a task the source run did not have", () => {
    const current = [...tasks, task("f", ["e"])];
    const plan = planRerun({
      sourceRunId: "r",
      sourceStatus: "succeeded",
      tasks: current,
      source: source(allSucceeded),
      from: { task: "c" },
    });
    expect(plan.run).toEqual(["c", "f"]);
  });

  it("refuses a run that has not ended, an unknown task, and a failure rerun of a run with none", () => {
    const base = { sourceRunId: "r", tasks, source: source(allSucceeded) };
    expect(() => planRerun({ ...base, sourceStatus: "running", from: "failure" })).toThrow(
      IllegalActionError,
    );
    expect(() => planRerun({ ...base, sourceStatus: "succeeded", from: { task: "zz" } })).toThrow(
      NotFoundError,
    );
    expect(() => planRerun({ ...base, sourceStatus: "succeeded", from: "failure" })).toThrow(ConflictError);
  });
});
