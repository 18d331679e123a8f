import { parsePlanObject } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { attemptDefinition, definitionSummary, taskRunDefinition } from "./task-definition.ts";

const plan = (run: string) =>
  parsePlanObject({
    plan: "p",
    tasks: {
      a: { run },
      call: { kind: "http", url: "https://example.org/x", method: "POST" },
      n: { kind: "noop" },
    },
  });

describe("task definitions of a run", () => {
  const frozen = plan("exit 3");
  const fixed = plan("echo fixed").tasks[0] ?? null;
  const run = { graph: { tasks: frozen.tasks } };

  it("reads a task run's definition from the graph until a retry took another", () => {
    expect(taskRunDefinition(run, { key: "a", definition: null })?.spec).toMatchObject({
      run: "exit 3",
    });
    expect(taskRunDefinition(run, { key: "a", definition: fixed })?.spec).toMatchObject({
      run: "echo fixed",
    });
    expect(taskRunDefinition(run, { key: "gone", definition: null })).toBeNull();
  });

  it("gives each attempt the definition it ran", () => {
    const task = { key: "a", definition: fixed };
    const first = attemptDefinition(run, task, { definition: frozen.tasks[0] ?? null });
    const second = attemptDefinition(run, task, { definition: null });
    expect([first?.spec, second?.spec]).toMatchObject([{ run: "exit 3" }, { run: "echo fixed" }]);
  });

  it("summarises a command, a request and anything else", () => {
    const [a, call, n] = frozen.tasks;
    if (!a || !call || !n) throw new Error("plan lost a task");
    expect(definitionSummary(a)).toEqual({ label: "command", text: "exit 3" });
    expect(definitionSummary(call)).toEqual({ label: "request", text: "POST https://example.org/x" });
    expect(definitionSummary(n)).toEqual({ label: "noop", text: '{"output":null}' });
  });
});
