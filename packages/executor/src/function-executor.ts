import { formatWithOptions } from "node:util";
import {
  type FunctionContext,
  type FunctionHandler,
  type FunctionLogger,
  type FunctionSpec,
  type LogStream,
  mapInputStrings,
  type UpstreamOutput,
} from "@taskloom/core";
import { preflight } from "./attempt-preflight.ts";
import { cancelledResult, errorMessage, failedResult, succeededResult } from "./attempt-result.ts";
import { createAttemptSignal, formatDuration, stoppedResult } from "./attempt-signal.ts";
import {
  DEFAULT_KILL_GRACE_MS,
  type ExecutionRequest,
  type ExecutionResult,
  type TaskExecutor,
} from "./execution.ts";
import { type LogSink, logSinkOf, systemLine } from "./log-sink.ts";
import { OUTPUT_LIMIT_BYTES } from "./output-capture.ts";
import { renderField, templateContextOf } from "./template-context.ts";

/** The handlers a worker registered, by name. */
export type FunctionHandlers = ReadonlyMap<string, FunctionHandler>;

/**
 * Runs `kind: function` attempts in this process with the worker's handlers. The handler gets its input
 * (the task's templated `input`, or its params) and a `FunctionContext`; its return value, which must be
 * JSON, is the output. A throw fails the attempt with the error's message (retries apply). A timeout or a
 * cancel aborts `ctx.signal` and gives the handler the kill grace (`killGraceMs`, as a shell step gets between
 * SIGTERM and SIGKILL) to stop: the attempt then ends as timed out or cancelled, whatever the handler returns.
 * A handler still going after the grace cannot be killed (it shares the worker's process): the attempt ends
 * anyway, freeing its slot, and its log says the handler did not stop; what the handler does afterwards, its
 * result and log lines included, is not recorded.
 */
export function createFunctionExecutor(handlers: FunctionHandlers): TaskExecutor {
  return async (req) => {
    const start = preflight(req, "function");
    if (!start.ok) return start.result;
    const { startedAt, spec } = start;
    const handler = handlers.get(spec.handler);
    if (handler === undefined) {
      const known = [...handlers.keys()].map((name) => `\`${name}\``).join(", ") || "none";
      return failedResult(
        startedAt,
        "error",
        `this worker has no handler \`${spec.handler}\` (it has: ${known})`,
      );
    }
    let input: unknown;
    try {
      input = inputOf(req, spec);
    } catch (error) {
      return failedResult(startedAt, "error", errorMessage(error));
    }

    const sink = logSinkOf(req);
    let open = true;
    const log: LogSink = (stream, text) => {
      if (open) sink(stream, text);
    };
    const attempt = createAttemptSignal({ timeoutMs: req.definition.timeoutMs, cancel: req.signal });
    const ctx: FunctionContext = {
      runId: req.runId,
      planSlug: req.planSlug,
      taskKey: req.taskKey,
      attempt: req.attempt,
      params: { ...req.params },
      upstream: req.upstream,
      outputs: outputsOf(req.upstream),
      log: loggerOf(log),
      signal: attempt.signal,
      heartbeat: req.heartbeat ?? (() => Promise.resolve()),
    };
    const stopped = new Promise<"stopped">((resolve) => {
      if (attempt.signal.aborted) resolve("stopped");
      else attempt.signal.addEventListener("abort", () => resolve("stopped"), { once: true });
    });
    try {
      const returned = Promise.resolve().then(() => handler(input, ctx));
      const outcome = await Promise.race([returned.then((value) => ({ value })), stopped]);
      if (outcome === "stopped") {
        const graceMs = req.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
        if (!(await settlesWithin(returned, graceMs))) {
          systemLine(
            log,
            `handler \`${spec.handler}\` did not stop within ${formatDuration(graceMs)} of its abort signal (ctx.signal); ` +
              "it may still be running in the worker's process, and nothing it does from now on is recorded",
          );
        }
        // The signal aborts only through the attempt's timeout or cancel, which set its stop reason first.
        return stoppedResult(req, attempt, startedAt) ?? cancelledResult(startedAt);
      }
      return outputResult(spec.handler, outcome.value, startedAt);
    } catch (error) {
      const stop = stoppedResult(req, attempt, startedAt);
      if (stop) return stop;
      const stack = error instanceof Error && error.stack ? error.stack : errorMessage(error);
      systemLine(log, `handler \`${spec.handler}\` threw: ${stack}`);
      return failedResult(startedAt, "error", errorMessage(error));
    } finally {
      open = false;
      attempt.dispose();
    }
  };
}

/** Whether `work` settles (returns or throws) within `ms`; the timer does not outlive the answer. */
function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const settled = () => {
      clearTimeout(timer);
      resolve(true);
    };
    work.then(settled, settled);
  });
}

/**
 * The executor `defaultExecutors` holds for `function`: a worker without handlers never claims function task
 * runs, so this only answers a request that reached the wrong executor.
 */
export const unregisteredFunctionExecutor: TaskExecutor = createFunctionExecutor(new Map());

/** The task's `input` with its strings rendered, or a copy of its params when it has none. */
function inputOf(req: ExecutionRequest, spec: FunctionSpec): unknown {
  if (spec.input === undefined) return { ...req.params };
  const context = templateContextOf(req);
  return mapInputStrings(spec.input, (text, path) => renderField(text, context, fieldName(path)));
}

/** `input.list[0].name`: how a render error names the string it could not render. */
function fieldName(path: (string | number)[]): string {
  return path.reduce<string>(
    (name, part) => (typeof part === "number" ? `${name}[${part}]` : `${name}.${part}`),
    "input",
  );
}

function outputsOf(upstream: Record<string, UpstreamOutput>): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(upstream)) {
    outputs[key] = value.json !== null && value.json !== undefined ? value.json : value.output;
  }
  return outputs;
}

/** `info`/`debug` go to stdout, `warn`/`error` to stderr, each call one line formatted like `console.log`. */
function loggerOf(log: LogSink): FunctionLogger {
  const line =
    (stream: LogStream) =>
    (...values: unknown[]): void => {
      log(stream, `${formatWithOptions({ colors: false }, ...values)}\n`);
    };
  return { info: line("stdout"), debug: line("stdout"), warn: line("stderr"), error: line("stderr") };
}

/**
 * The handler's return value as the attempt's output: the JSON text is `outputJson` (always, so downstream
 * tasks read the value back), and `outputText` is a returned string itself, else that JSON text. Nothing
 * (undefined or null) is no output. A value JSON cannot carry faithfully fails the attempt, saying where.
 */
function outputResult(handler: string, value: unknown, startedAt: number): ExecutionResult {
  if (value === undefined || value === null) {
    return succeededResult(startedAt, { exitCode: null, outputText: null, outputJson: null });
  }
  const problem = jsonProblem(value, "output", new Set());
  if (problem !== null) {
    return failedResult(
      startedAt,
      "output_parse",
      `handler \`${handler}\` returned a value that is not JSON: ${problem}`,
    );
  }
  const json = JSON.stringify(value);
  const bytes = Buffer.byteLength(json);
  if (bytes > OUTPUT_LIMIT_BYTES) {
    return failedResult(
      startedAt,
      "output_parse",
      `handler \`${handler}\` returned ${bytes} bytes of JSON, over the ${OUTPUT_LIMIT_BYTES}-byte output limit`,
    );
  }
  return succeededResult(startedAt, {
    exitCode: null,
    outputText: typeof value === "string" ? value : json,
    outputJson: json,
  });
}

/** Where `value` stops being JSON (`output.items[2] is a function`), or null when JSON.stringify keeps it whole. */
function jsonProblem(value: unknown, path: string, ancestors: Set<object>): string | null {
  switch (typeof value) {
    case "string":
    case "boolean":
      return null;
    case "number":
      return Number.isFinite(value) ? null : `${path} is ${value}`;
    case "bigint":
    case "function":
    case "symbol":
    case "undefined":
      return `${path} is ${typeof value === "undefined" ? "undefined" : `a ${typeof value}`}`;
  }
  if (value === null) return null;
  const object = value as object;
  if (typeof (object as { toJSON?: unknown }).toJSON === "function") return null; // Dates and the like
  if (ancestors.has(object)) return `${path} refers back to itself (a cycle)`;
  const prototype: unknown = Object.getPrototypeOf(object);
  const isArray = Array.isArray(object);
  if (!isArray && prototype !== Object.prototype && prototype !== null) {
    const name = (object as { constructor?: { name?: string } }).constructor?.name ?? "object";
    return `${path} is a ${name}, not a plain object or list`;
  }
  ancestors.add(object);
  try {
    if (isArray) {
      for (const [index, item] of (object as unknown[]).entries()) {
        const problem = jsonProblem(item, `${path}[${index}]`, ancestors);
        if (problem !== null) return problem;
      }
      return null;
    }
    for (const [key, item] of Object.entries(object)) {
      // JSON leaves out properties that are undefined: nothing is lost that the handler meant to keep.
      if (item === undefined) continue;
      const problem = jsonProblem(item, `${path}.${key}`, ancestors);
      if (problem !== null) return problem;
    }
    return null;
  } finally {
    ancestors.delete(object);
  }
}
