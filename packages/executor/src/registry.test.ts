import { describe, expect, it } from "vitest";
import type { ExecutionResult, TaskExecutor } from "./execution.ts";
import { createExecutor, executeTask } from "./registry.ts";
import { executionRequest, noopSpec, shellSpec, taskDefinition } from "./test-fixtures.ts";

const fakeResult: ExecutionResult = {
  status: "succeeded",
  exitCode: 0,
  outputText: "fake",
  outputJson: null,
  error: null,
  reason: null,
  durationMs: 0,
};

describe("executor registry", () => {
  it("dispatches on the task kind with the built-in executors", async () => {
    expect(await executeTask(executionRequest(taskDefinition(noopSpec("n"))))).toMatchObject({
      outputText: "n",
    });
    expect(await executeTask(executionRequest(taskDefinition(shellSpec("echo s"))))).toMatchObject({
      outputText: "s",
    });
  });

  it("uses an override for its kind and the defaults for the others", async () => {
    const seen: string[] = [];
    const fakeShell: TaskExecutor = async (req) => {
      seen.push(req.taskKey);
      return fakeResult;
    };
    const executor = createExecutor({ shell: fakeShell });
    expect(await executor.execute(executionRequest(taskDefinition(shellSpec("exit 1"))))).toEqual(fakeResult);
    expect(seen).toEqual(["step"]);
    expect(await executor.execute(executionRequest(taskDefinition(noopSpec("n"))))).toMatchObject({
      outputText: "n",
    });
  });

  it("turns an executor that rejects into a failed result", async () => {
    const executor = createExecutor({
      noop: async () => {
        throw new Error("boom");
      },
    });
    const result = await executor.execute(executionRequest(taskDefinition(noopSpec(null))));
    expect(result).toMatchObject({
      status: "failed",
      reason: "error",
      error: "executor for noop tasks failed: boom",
    });
  });

  it("fails a task whose spec does not match its kind", async () => {
    const definition = { ...taskDefinition(noopSpec(null)), kind: "shell" as const };
    const result = await executeTask(executionRequest(definition));
    expect(result).toMatchObject({ status: "failed", reason: "error" });
    expect(result.error).toContain("noop spec");
  });
});
