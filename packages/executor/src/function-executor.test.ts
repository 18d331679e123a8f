import type { FunctionContext, FunctionHandler, FunctionSpec } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { createFunctionExecutor } from "./function-executor.ts";
import { createExecutor } from "./registry.ts";
import { executionRequest, logRecorder, taskDefinition } from "./test-fixtures.ts";

function functionSpec(handler: string, input?: unknown): FunctionSpec {
  return input === undefined ? { kind: "function", handler } : { kind: "function", handler, input };
}

function run(
  handlers: Record<string, FunctionHandler>,
  spec: FunctionSpec,
  overrides: Parameters<typeof executionRequest>[1] = {},
  definition: Parameters<typeof taskDefinition>[1] = {},
) {
  const execute = createFunctionExecutor(new Map(Object.entries(handlers)));
  return execute(executionRequest(taskDefinition(spec, definition), overrides));
}

describe("function executor", () => {
  it("calls the handler with its params as input and records its JSON return value as the output", async () => {
    let seen: { input: unknown; ctx: FunctionContext } | undefined;
    const result = await run(
      {
        resize: (input, ctx) => {
          seen = { input, ctx };
          return { width: 320, from: ctx.outputs.fetch };
        },
      },
      functionSpec("resize"),
      {
        params: { width: 320 },
        upstream: { fetch: { output: '{"path":"a.jpg"}', json: { path: "a.jpg" } } },
        attempt: 2,
      },
    );
    expect(result).toMatchObject({
      status: "succeeded",
      outputText: '{"width":320,"from":{"path":"a.jpg"}}',
      outputJson: '{"width":320,"from":{"path":"a.jpg"}}',
      error: null,
    });
    expect(seen?.input).toEqual({ width: 320 });
    expect(seen?.ctx).toMatchObject({ runId: "run-1", taskKey: "step", attempt: 2, params: { width: 320 } });
    expect(seen?.ctx.upstream.fetch?.output).toBe('{"path":"a.jpg"}');
  });

  it("renders the templates of `input`, and keeps a returned string as the text output", async () => {
    const result = await run(
      { echo: (input) => `got ${JSON.stringify(input)}` },
      functionSpec("echo", { path: "{{tasks.fetch.output}}", sizes: ["{{params.w}}", 2], keep: true }),
      { params: { w: 10 }, upstream: { fetch: { output: "a.jpg", json: null } } },
    );
    expect(result.outputText).toBe('got {"path":"a.jpg","sizes":["10",2],"keep":true}');
    expect(result.outputJson).toBe(JSON.stringify(result.outputText));
  });

  it("writes the handler's log lines to the attempt's log, info to stdout and errors to stderr", async () => {
    const logs = logRecorder();
    await run(
      {
        talk: (_input, ctx) => {
          ctx.log.info("resized %d images", 3, { to: "out/" });
          ctx.log.error("one was corrupt");
          return null;
        },
      },
      functionSpec("talk"),
      { onLog: logs.onLog },
    );
    expect(logs.text("stdout")).toBe("resized 3 images { to: 'out/' }\n");
    expect(logs.text("stderr")).toBe("one was corrupt\n");
  });

  it("fails with the thrown error's message and logs its stack", async () => {
    const logs = logRecorder();
    const result = await run(
      {
        broken: async () => {
          throw new Error("disk full");
        },
      },
      functionSpec("broken"),
      { onLog: logs.onLog },
    );
    expect(result).toMatchObject({ status: "failed", reason: "error", error: "disk full", outputText: null });
    expect(logs.text("system")).toContain("handler `broken` threw: Error: disk full");
  });

  it("fails a return value that JSON cannot carry, saying where", async () => {
    const cases: [unknown, string][] = [
      [{ items: [1, () => 2] }, "output.items[1] is a function"],
      [{ n: Number.NaN }, "output.n is NaN"],
      [{ big: 10n }, "output.big is a bigint"],
      [new Map([["a", 1]]), "output is a Map, not a plain object or list"],
    ];
    for (const [value, where] of cases) {
      const result = await run({ bad: () => value }, functionSpec("bad"));
      expect(result).toMatchObject({ status: "failed", reason: "output_parse" });
      expect(result.error).toBe(`handler \`bad\` returned a value that is not JSON: ${where}`);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect((await run({ bad: () => cyclic }, functionSpec("bad"))).error).toContain(
      "output.self refers back",
    );
    const dated = await run({ ok: () => ({ at: new Date(0), gone: undefined }) }, functionSpec("ok"));
    expect(dated.outputJson).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });

  it("aborts the signal and fails with reason timeout when the handler outlasts its timeout", async () => {
    let aborted: unknown;
    const result = await run(
      {
        slow: (_input, ctx) =>
          new Promise((resolve) => {
            ctx.signal.addEventListener("abort", () => {
              aborted = ctx.signal.reason;
              resolve("late");
            });
          }),
      },
      functionSpec("slow"),
      {},
      { timeoutMs: 50 },
    );
    expect(result).toMatchObject({ status: "failed", reason: "timeout", error: "timed out after 50ms" });
    expect(aborted).toBeInstanceOf(DOMException);
  });

  it("gives a cancelled handler the kill grace to stop, keeping what it logs while it stops", async () => {
    const controller = new AbortController();
    const logs = logRecorder();
    const pending = run(
      {
        tidy: (_input, ctx) =>
          new Promise((_resolve, reject) => {
            const stop = () => {
              ctx.log.info("removing the temporary files");
              setTimeout(() => reject(ctx.signal.reason), 5);
            };
            // The cancel below may come before the handler is even called.
            if (ctx.signal.aborted) stop();
            else ctx.signal.addEventListener("abort", stop);
          }),
      },
      functionSpec("tidy"),
      { signal: controller.signal, onLog: logs.onLog, killGraceMs: 10_000 },
    );
    controller.abort();
    expect(await pending).toMatchObject({ status: "cancelled", reason: "cancelled" });
    expect(logs.text("stdout")).toBe("removing the temporary files\n");
    expect(logs.text("system")).toBe("");
  });

  it("ends the attempt after the kill grace when the handler ignores its signal, says so, and drops its later log lines", async () => {
    const controller = new AbortController();
    const logs = logRecorder();
    let later: (() => void) | undefined;
    const pending = run(
      {
        stubborn: (_input, ctx) =>
          new Promise((resolve) => {
            later = () => {
              ctx.log.info("still here");
              resolve(1);
            };
          }),
      },
      functionSpec("stubborn"),
      { signal: controller.signal, onLog: logs.onLog, killGraceMs: 20 },
    );
    controller.abort();
    expect(await pending).toMatchObject({ status: "cancelled", reason: "cancelled" });
    expect(logs.text("system")).toBe(
      "handler `stubborn` did not stop within 20ms of its abort signal (ctx.signal); it may still be running in the worker's process, and nothing it does from now on is recorded\n",
    );
    later?.();
    expect(logs.text("stdout")).toBe("");
  });

  it("ends a timed-out handler that ignores its signal as a timeout, after the grace", async () => {
    const logs = logRecorder();
    const result = await run(
      { forever: () => new Promise(() => {}) },
      functionSpec("forever"),
      { onLog: logs.onLog, killGraceMs: 20 },
      { timeoutMs: 30 },
    );
    expect(result).toMatchObject({ status: "failed", reason: "timeout", error: "timed out after 30ms" });
    expect(logs.text("system")).toContain("handler `forever` did not stop within 20ms");
  });

  it("passes the worker's heartbeat through", async () => {
    let beats = 0;
    await run(
      {
        long: async (_input, ctx) => {
          await ctx.heartbeat();
          await ctx.heartbeat();
        },
      },
      functionSpec("long"),
      { heartbeat: async () => void beats++ },
    );
    expect(beats).toBe(2);
  });

  it("fails an attempt whose handler this worker does not have, naming the ones it has", async () => {
    const result = await run({ a: () => 1 }, functionSpec("missing"));
    expect(result).toMatchObject({
      status: "failed",
      error: "this worker has no handler `missing` (it has: `a`)",
    });
    const plain = await createExecutor().execute(executionRequest(taskDefinition(functionSpec("x"))));
    expect(plain.error).toBe("this worker has no handler `x` (it has: none)");
  });
});
