import type { LlmSpec } from "@taskloom/core";
import type { ChatMessage, CompletionResult, LlmProvider } from "@taskloom/llm";
import { preflight } from "./attempt-preflight.ts";
import {
  type AttemptOutput,
  errorMessage,
  failedResult,
  startTimer,
  succeededResult,
} from "./attempt-result.ts";
import { type AttemptSignal, createAttemptSignal, stoppedResult } from "./attempt-signal.ts";
import type { ExecutionRequest, ExecutionResult, TaskExecutor } from "./execution.ts";
import { parseJsonOutput } from "./json-output.ts";
import { type LogSink, logSinkOf, systemLine } from "./log-sink.ts";
import { renderField, templateContextOf } from "./template-context.ts";

/** What the engine's `prepare` gets: the attempt, and the task's prompt and system with templates rendered. */
export interface LlmPrepareRequest {
  request: ExecutionRequest;
  spec: LlmSpec;
  prompt: string;
  system: string | null;
  /** Writes a `system` line into the attempt's log (e.g. that an approval is stale, and what changed). */
  log(line: string): void;
  signal: AbortSignal;
}

/** The compiled prompt, after the engine stored the snapshot it came from. */
export interface LlmPrepared {
  messages: ChatMessage[];
  snapshotHash: string;
  /** The model to ask (the task's, else the engine's default). */
  model: string;
}

/** What an attempt cost, for the attempt row. */
export interface LlmUsageRecord {
  request: ExecutionRequest;
  model: string;
  promptTokens: number;
  completionTokens: number;
}

export interface LlmExecutorDependencies {
  /**
   * Builds the context bundle for the attempt, stores its snapshot and compiles the messages. It runs
   * after the claim, outside any write transaction. A rejection fails the attempt with its message.
   */
  prepare(request: LlmPrepareRequest): Promise<LlmPrepared>;
  provider: LlmProvider;
  /** Records model and usage once the answer is in. Default: nothing recorded. */
  recordUsage?(usage: LlmUsageRecord): Promise<void>;
}

/**
 * `kind: llm`: the engine prepares the prompt (context bundle, snapshot), the provider answers, and the
 * answer streams into the log as stdout as it arrives. `output: json` must parse; a bad answer gets one
 * repair request quoting the parse error. Cancel and the task's timeout abort the HTTP request.
 */
export function createLlmExecutor(deps: LlmExecutorDependencies): TaskExecutor {
  return async (req) => {
    const start = preflight(req, "llm");
    if (!start.ok) return start.result;
    const { startedAt, spec } = start;
    let prompt: string;
    let system: string | null;
    try {
      const context = templateContextOf(req);
      prompt = renderField(spec.prompt, context, "prompt");
      system = spec.system === null ? null : renderField(spec.system, context, "system");
    } catch (error) {
      return failedResult(startedAt, "error", errorMessage(error));
    }
    const log = logSinkOf(req);
    const attempt = createAttemptSignal({ timeoutMs: req.definition.timeoutMs, cancel: req.signal });
    try {
      return await converse(deps, { req, spec, prompt, system, log, attempt, startedAt });
    } finally {
      attempt.dispose();
    }
  };
}

interface Conversation {
  req: ExecutionRequest;
  spec: LlmSpec;
  prompt: string;
  system: string | null;
  log: LogSink;
  attempt: AttemptSignal;
  startedAt: number;
}

async function converse(deps: LlmExecutorDependencies, c: Conversation): Promise<ExecutionResult> {
  const { req, spec, log, attempt, startedAt } = c;
  let prepared: LlmPrepared;
  try {
    prepared = await deps.prepare({
      request: req,
      spec,
      prompt: c.prompt,
      system: c.system,
      log: (line) => systemLine(log, line),
      signal: attempt.signal,
    });
  } catch (error) {
    return (
      stoppedResult(req, attempt, startedAt) ??
      failedResult(startedAt, "error", `cannot build the context: ${errorMessage(error)}`)
    );
  }
  const { provider } = deps;
  systemLine(
    log,
    provider.dryRun
      ? `dry run: no LLM provider configured (set TASKLOOM_LLM_BASE_URL); the output is the compiled prompt of snapshot ${prepared.snapshotHash.slice(0, 12)}`
      : `asking ${prepared.model} via ${provider.name} (context snapshot ${prepared.snapshotHash.slice(0, 12)})`,
  );
  const wantsJson = req.definition.output === "json" && !provider.dryRun;
  const ask = (messages: ChatMessage[]) =>
    provider.complete(
      {
        messages,
        model: prepared.model,
        ...(spec.temperature !== null ? { temperature: spec.temperature } : {}),
        ...(spec.maxTokens !== null ? { maxTokens: spec.maxTokens } : {}),
        ...(wantsJson ? { responseFormat: "json" as const } : {}),
      },
      { signal: attempt.signal, onToken: (text) => log("stdout", text) },
    );

  const usage = { promptTokens: 0, completionTokens: 0, model: prepared.model };
  const tally = (result: CompletionResult) => {
    usage.promptTokens += result.usage.promptTokens;
    usage.completionTokens += result.usage.completionTokens;
    usage.model = result.model;
  };
  const finish = async (result: ExecutionResult): Promise<ExecutionResult> => {
    if (usage.promptTokens > 0 || usage.completionTokens > 0) {
      try {
        await deps.recordUsage?.({ request: req, ...usage });
      } catch (error) {
        systemLine(log, `could not record token usage: ${errorMessage(error)}`);
      }
    }
    return result;
  };

  let answer: CompletionResult;
  try {
    answer = await ask(prepared.messages);
    tally(answer);
    if (!wantsJson) return finish(succeededResult(startedAt, textOutput(answer.text)));
    let parsed = parseJsonOutput(answer.text.trim());
    if (parsed.ok)
      return finish(succeededResult(startedAt, { ...textOutput(answer.text), outputJson: parsed.json }));
    systemLine(log, `${parsed.error}; asking once more for valid JSON`);
    log("stdout", "\n");
    const repair: ChatMessage[] = [
      ...prepared.messages,
      { role: "assistant", content: answer.text },
      { role: "user", content: repairPrompt(parsed.error) },
    ];
    answer = await ask(repair);
    tally(answer);
    parsed = parseJsonOutput(answer.text.trim());
    const output = textOutput(answer.text);
    if (parsed.ok) return finish(succeededResult(startedAt, { ...output, outputJson: parsed.json }));
    return finish(
      failedResult(startedAt, "output_parse", `${parsed.error} (after one repair request)`, output),
    );
  } catch (error) {
    const stopped = stoppedResult(req, attempt, startedAt);
    if (stopped) return finish(stopped);
    const message = `LLM request failed: ${errorMessage(error)}`;
    systemLine(log, message);
    return finish(failedResult(startedAt, "error", message));
  }
}

function textOutput(text: string): AttemptOutput {
  return { exitCode: null, outputText: text.trim(), outputJson: null };
}

/** The follow-up message when `output: json` did not parse. */
export function repairPrompt(parseError: string): string {
  return `Your answer is not valid JSON (${parseError}). Reply with the corrected JSON only: no prose, no code fences.`;
}

/** The `llm` kind before the engine wires in its context service: every attempt fails, saying why. */
export const unconfiguredLlmExecutor: TaskExecutor = async (req) =>
  failedResult(
    startTimer(),
    "error",
    `task ${req.taskKey} is an llm task, and this executor has no LLM engine (run it through Taskloom, which builds its context)`,
  );
