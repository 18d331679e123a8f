import { describe, expect, it } from "vitest";
import { executeNoop } from "./noop-executor.ts";
import { executionRequest, noopSpec, taskDefinition } from "./test-fixtures.ts";

describe("noop executor", () => {
  it("outputs a string as it is", async () => {
    const result = await executeNoop(executionRequest(taskDefinition(noopSpec("done"))));
    expect(result).toMatchObject({
      status: "succeeded",
      exitCode: null,
      outputText: "done",
      outputJson: null,
      error: null,
      reason: null,
    });
  });

  it("outputs any other value as JSON text and JSON", async () => {
    const result = await executeNoop(executionRequest(taskDefinition(noopSpec({ rows: [1, 2], ok: true }))));
    expect(result).toMatchObject({
      status: "succeeded",
      outputText: '{"rows":[1,2],"ok":true}',
      outputJson: '{"rows":[1,2],"ok":true}',
    });
    const number = await executeNoop(executionRequest(taskDefinition(noopSpec(3))));
    expect(number).toMatchObject({ outputText: "3", outputJson: "3" });
  });

  it("outputs nothing when the output is null", async () => {
    const result = await executeNoop(executionRequest(taskDefinition(noopSpec(null))));
    expect(result).toMatchObject({ status: "succeeded", outputText: null, outputJson: null });
  });

  it("parses a string output when the task's output is json", async () => {
    const ok = await executeNoop(
      executionRequest(taskDefinition(noopSpec('{ "a": 1 }'), { output: "json" })),
    );
    expect(ok).toMatchObject({ status: "succeeded", outputText: '{ "a": 1 }', outputJson: '{"a":1}' });
    const bad = await executeNoop(executionRequest(taskDefinition(noopSpec("nope"), { output: "json" })));
    expect(bad).toMatchObject({ status: "failed", reason: "output_parse" });
  });

  it("is cancelled when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await executeNoop(
      executionRequest(taskDefinition(noopSpec("x")), { signal: controller.signal }),
    );
    expect(result).toMatchObject({ status: "cancelled", reason: "cancelled", outputText: null });
  });
});
