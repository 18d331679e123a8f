import { DEFAULT_CONTEXT_POLICY, type LlmSpec } from "@taskloom/core";
import {
  type CompletionRequest,
  type CompletionResult,
  DRY_RUN_LABEL,
  DryRunProvider,
  LlmAuthError,
  type LlmProvider,
} from "@taskloom/llm";
import { describe, expect, it } from "vitest";
import { createLlmExecutor, type LlmPrepareRequest, repairPrompt } from "./llm-executor.ts";
import { executeTask } from "./registry.ts";
import { executionRequest, logRecorder, taskDefinition } from "./test-fixtures.ts";

function llmSpec(overrides: Partial<LlmSpec> = {}): LlmSpec {
  return {
    kind: "llm",
    prompt: "Summarize {{tasks.collect.output}} for {{params.who}}",
    system: "Be brief about {{plan.slug}}",
    model: null,
    temperature: 0.3,
    maxTokens: 50,
    context: DEFAULT_CONTEXT_POLICY,
    pin: [],
    exclude: [],
    ...overrides,
  };
}

/** A provider that answers from a script, in order, and records what it was asked. */
function scriptedProvider(answers: (string | Error)[]): LlmProvider & { requests: CompletionRequest[] } {
  const requests: CompletionRequest[] = [];
  return {
    name: "scripted",
    dryRun: false,
    requests,
    async complete(request, options): Promise<CompletionResult> {
      requests.push(request);
      const answer = answers.shift() ?? "";
      if (answer instanceof Error) throw answer;
      for (const word of answer.split(/(?<= )/)) options?.onToken?.(word);
      return {
        text: answer,
        usage: { promptTokens: 10, completionTokens: 2, source: "server" },
        model: "m-1",
        finishReason: "stop",
        attempts: 1,
      };
    },
    async embed() {
      return [];
    },
  };
}

const request = (spec: LlmSpec, output: "text" | "json" = "text") =>
  executionRequest(taskDefinition(spec, { key: "brief", output, requires: ["collect"] }), {
    params: { who: "the CFO" },
    upstream: { collect: { output: "facts", json: null } },
  });

function executor(provider: LlmProvider, prepared: LlmPrepareRequest[] = []) {
  return createLlmExecutor({
    provider,
    async prepare(req) {
      prepared.push(req);
      req.log("context ready");
      return {
        messages: [{ role: "user", content: `${req.system} / ${req.prompt}` }],
        snapshotHash: "a".repeat(64),
        model: "m-1",
      };
    },
  });
}

describe("the llm executor", () => {
  it("renders prompt and system, streams the answer as stdout, passes the task's settings", async () => {
    const provider = scriptedProvider(["The facts are fine."]);
    const prepared: LlmPrepareRequest[] = [];
    const log = logRecorder();
    const result = await executor(provider, prepared)({ ...request(llmSpec()), onLog: log.onLog });
    expect(result).toMatchObject({
      status: "succeeded",
      outputText: "The facts are fine.",
      outputJson: null,
    });
    expect(prepared[0]).toMatchObject({
      prompt: "Summarize facts for the CFO",
      system: "Be brief about demo",
    });
    expect(log.text("stdout")).toBe("The facts are fine.");
    expect(log.entries.filter((e) => e.stream === "stdout").length).toBeGreaterThan(1);
    expect(log.text("system")).toContain("context ready\n");
    expect(provider.requests[0]).toMatchObject({ model: "m-1", temperature: 0.3, maxTokens: 50 });
  });

  it("asks once more with the parse error when output: json does not parse", async () => {
    const provider = scriptedProvider(["{oops", '{"ok": true}']);
    const result = await executor(provider)(request(llmSpec(), "json"));
    expect(result).toMatchObject({ status: "succeeded", outputJson: '{"ok":true}' });
    expect(provider.requests[0]?.responseFormat).toBe("json");
    const last = provider.requests[1]?.messages.at(-1);
    expect(last?.content).toBe(repairPrompt(`output is not valid JSON: ${errorOf("{oops")}`));
  });

  it("turns a provider error into a failed attempt with a clear message", async () => {
    const provider = scriptedProvider([
      new LlmAuthError("the server refused the API key (401)", { status: 401 }),
    ]);
    const result = await executor(provider)(request(llmSpec()));
    expect(result).toMatchObject({ status: "failed", reason: "error" });
    expect(result.error).toMatch(/^LLM request failed: the server refused the API key/);
  });

  it("fails when the context cannot be built, and when a template does not render", async () => {
    const failing = createLlmExecutor({
      provider: new DryRunProvider(),
      prepare: async () => {
        throw new Error("database is locked");
      },
    });
    expect((await failing(request(llmSpec()))).error).toBe("cannot build the context: database is locked");
    const unrendered = await executor(new DryRunProvider())(
      executionRequest(taskDefinition(llmSpec({ prompt: "{{tasks.nope.output}}" }))),
    );
    expect(unrendered).toMatchObject({ status: "failed", reason: "error" });
    expect(unrendered.error).toMatch(/^cannot render prompt: /);
  });

  it("with the dry-run provider, outputs the labelled prompt and skips JSON parsing", async () => {
    const log = logRecorder();
    const result = await executor(new DryRunProvider())({ ...request(llmSpec(), "json"), onLog: log.onLog });
    expect(result.status).toBe("succeeded");
    expect(result.outputText?.startsWith(DRY_RUN_LABEL)).toBe(true);
    expect(result.outputJson).toBeNull();
    expect(log.text("system")).toMatch(/dry run: no LLM provider configured/);
  });

  it("without the engine, an llm task fails saying what it needs", async () => {
    const result = await executeTask(request(llmSpec()));
    expect(result).toMatchObject({ status: "failed", reason: "error" });
    expect(result.error).toMatch(/has no LLM engine/);
  });
});

function errorOf(text: string): string {
  try {
    JSON.parse(text);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}
