import type { Tokenizer } from "@taskloom/core";
import OpenAI, { APIConnectionError, APIError } from "openai";
import {
  LlmAbortedError,
  LlmAuthError,
  LlmBadRequestError,
  LlmError,
  LlmNetworkError,
  LlmRateLimitError,
  LlmServerError,
  LlmTimeoutError,
} from "./errors.ts";
import { countMessageTokens } from "./message-tokens.ts";
import {
  abortableSleep,
  backoffDelayMs,
  DEFAULT_RETRY_OPTIONS,
  type RetryOptions,
  retryAfterMs,
} from "./retry.ts";
import { tokenizerForModel } from "./tokenizer.ts";
import type {
  ChatMessage,
  CompleteOptions,
  CompletionRequest,
  CompletionResult,
  EmbedOptions,
  LlmProvider,
  ToolCall,
} from "./types.ts";

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
type MessageParam = OpenAI.Chat.Completions.ChatCompletionMessageParam;

export interface OpenAICompatibleOptions {
  /** The server's API root, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1` (Ollama). */
  baseURL: string;
  /** Default `"unused"`: local servers accept any key, and the SDK refuses an empty one. */
  apiKey?: string;
  /** The model used when a request names none. Default none (such a request is a bad request). */
  model?: string;
  /** The model for `embed`. Default none (`embed` then fails with a bad request). */
  embeddingsModel?: string;
  /** Time limit for a whole completion, retries included, in ms. Default 600000 (10 minutes). */
  timeoutMs?: number;
  /** Retries of 429/5xx/connection errors, ours only (the SDK's own retries are off). */
  retry?: Partial<RetryOptions>;
  /** Waits between retries. Default: a real timer, cut short by the request's signal. Injected in tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1), for backoff jitter. Default `Math.random`. */
  random?: () => number;
  /** Epoch ms, to read a Retry-After given as an HTTP date. Default `Date.now`. */
  now?: () => number;
  /** Counts usage when the server reports none. Default: `tokenizerForModel(model)`. */
  tokenizer?: (model: string) => Tokenizer;
  /** Extra headers on every request. Default none. */
  headers?: Record<string, string>;
}

/** Chat Completions and embeddings over any OpenAI-compatible HTTP server, through the official SDK. */
export class OpenAICompatibleProvider implements LlmProvider {
  readonly name = "openai-compatible";
  readonly dryRun = false;
  readonly #client: OpenAI;
  readonly #options: OpenAICompatibleOptions;
  readonly #retry: RetryOptions;

  constructor(options: OpenAICompatibleOptions) {
    this.#options = options;
    this.#retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    this.#client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey || "unused",
      // Ours are the only retries: one policy, honouring Retry-After, with an injectable clock.
      maxRetries: 0,
      // Our own deadline (an AbortSignal) covers the whole completion, stream included.
      timeout: 2 ** 31 - 1,
      defaultHeaders: options.headers,
    });
  }

  async complete(request: CompletionRequest, options: CompleteOptions = {}): Promise<CompletionResult> {
    const model = request.model ?? this.#options.model;
    if (!model) throw new LlmBadRequestError("no model given and no default model configured");
    const params = toChatParams(request, model);
    const stream = request.stream ?? true;
    return this.#withRetries(options, async (signal, attempts, tokenSeen) => {
      const result = stream
        ? await this.#streamOnce(params, signal, options.onToken, tokenSeen)
        : await this.#completeOnce(params, signal, options.onToken);
      return {
        ...result,
        attempts,
        usage: result.usage ?? this.#estimateUsage(model, request.messages, result),
      };
    });
  }

  async embed(texts: string[], options: EmbedOptions = {}): Promise<number[][]> {
    const model = options.model ?? this.#options.embeddingsModel;
    if (!model) throw new LlmBadRequestError("no embeddings model configured");
    if (texts.length === 0) return [];
    return this.#withRetries({ signal: options.signal }, async (signal) => {
      const response = await this.#client.embeddings.create(
        // `float` explicitly: the SDK otherwise asks for base64, which some servers do not implement.
        { model, input: texts, encoding_format: "float" },
        { signal },
      );
      const vectors = [...response.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
      if (vectors.length !== texts.length) {
        throw new LlmBadRequestError(
          `server returned ${vectors.length} embeddings for ${texts.length} texts`,
        );
      }
      return vectors;
    });
  }

  async #completeOnce(params: ChatParams, signal: AbortSignal, onToken: CompleteOptions["onToken"]) {
    const response = await this.#client.chat.completions.create({ ...params, stream: false }, { signal });
    const choice = response.choices[0];
    const text = choice?.message.content ?? "";
    if (text && onToken) onToken(text);
    const toolCalls = (choice?.message.tool_calls ?? []).flatMap((call): ToolCall[] =>
      call.type === "function"
        ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }]
        : [],
    );
    return {
      text,
      model: response.model || params.model,
      finishReason: choice?.finish_reason ?? "stop",
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
      usage: response.usage
        ? {
            promptTokens: response.usage.prompt_tokens,
            completionTokens: response.usage.completion_tokens,
            source: "server" as const,
          }
        : null,
    };
  }

  async #streamOnce(
    params: ChatParams,
    signal: AbortSignal,
    onToken: CompleteOptions["onToken"],
    tokenSeen: () => void,
  ) {
    const stream = await this.#client.chat.completions.create(
      { ...params, stream: true, stream_options: { include_usage: true } },
      { signal },
    );
    let text = "";
    let model = params.model;
    let finishReason = "stop";
    let usage: CompletionResult["usage"] | null = null;
    const calls = new Map<number, ToolCall>();
    for await (const chunk of stream) {
      if (chunk.model) model = chunk.model;
      if (chunk.usage) {
        usage = {
          promptTokens: chunk.usage.prompt_tokens,
          completionTokens: chunk.usage.completion_tokens,
          source: "server",
        };
      }
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.finish_reason) finishReason = choice.finish_reason;
      const piece = choice.delta?.content;
      if (piece) {
        text += piece;
        tokenSeen();
        onToken?.(piece);
      }
      for (const delta of choice.delta?.tool_calls ?? []) {
        tokenSeen();
        const call = calls.get(delta.index) ?? { id: "", name: "", arguments: "" };
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.name += delta.function.name;
        if (delta.function?.arguments) call.arguments += delta.function.arguments;
        calls.set(delta.index, call);
      }
    }
    // The SDK ends the iteration quietly when the signal aborts mid-stream: a cut answer is not an answer.
    if (signal.aborted) throw signal.reason;
    const toolCalls = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, call]) => call);
    return { text, model, finishReason, usage, ...(toolCalls.length > 0 ? { toolCalls } : {}) };
  }

  #estimateUsage(model: string, messages: ChatMessage[], result: { text: string; toolCalls?: ToolCall[] }) {
    const tokenizer = (this.#options.tokenizer ?? tokenizerForModel)(model);
    const toolText = (result.toolCalls ?? []).map((call) => call.name + call.arguments).join("");
    return {
      promptTokens: countMessageTokens(tokenizer, messages),
      completionTokens: tokenizer.count(result.text + toolText),
      source: "tokenizer" as const,
    };
  }

  /**
   * Runs `attempt` until it succeeds, a non-retryable error occurs, retries run out, the caller aborts or
   * the deadline passes. A stream that already delivered tokens is never retried: the caller has them.
   */
  async #withRetries<T>(
    options: Pick<CompleteOptions, "signal" | "timeoutMs">,
    attempt: (signal: AbortSignal, attempts: number, tokenSeen: () => void) => Promise<T>,
  ): Promise<T> {
    const sleep = this.#options.sleep ?? abortableSleep;
    const random = this.#options.random ?? Math.random;
    const now = this.#options.now ?? Date.now;
    const deadline = new AbortController();
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs ?? 600_000;
    const timer = setTimeout(() => deadline.abort(new Error("timeout")), timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
    let attempts = 0;
    try {
      for (;;) {
        attempts++;
        let streamed = false;
        try {
          return await attempt(signal, attempts, () => {
            streamed = true;
          });
        } catch (error) {
          const failure = classify(error, signal, deadline.signal, attempts, timeoutMs);
          const retriesLeft = attempts <= this.#retry.maxRetries;
          if (!isTransient(failure) || !retriesLeft || streamed) throw failure;
          const headers = error instanceof APIError ? error.headers : undefined;
          const asked = retryAfterMs(headers, now());
          if (asked !== null && asked > this.#retry.maxRetryAfterMs) throw failure;
          const wait = asked ?? backoffDelayMs(attempts, this.#retry, random);
          try {
            await sleep(wait, signal);
          } catch (sleepError) {
            throw classify(sleepError, signal, deadline.signal, attempts, timeoutMs);
          }
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }
}

function isTransient(error: LlmError): boolean {
  return error.code === "rate_limited" || error.code === "server" || error.code === "network";
}

/** One typed error for anything the SDK (or the stream) threw. */
function classify(
  error: unknown,
  signal: AbortSignal,
  deadline: AbortSignal,
  attempts: number,
  timeoutMs: number,
): LlmError {
  if (error instanceof LlmError) return error;
  // Checked first: an abort surfaces as several different error types depending on where it hit.
  if (deadline.aborted) {
    return new LlmTimeoutError(`LLM request timed out after ${timeoutMs} ms`, { attempts, cause: error });
  }
  if (signal.aborted) return new LlmAbortedError("LLM request cancelled", { attempts, cause: error });
  if (error instanceof APIConnectionError) {
    return new LlmNetworkError(`cannot reach the LLM server: ${causeMessage(error)}`, {
      attempts,
      cause: error,
    });
  }
  if (error instanceof APIError) {
    const status = error.status ?? 0;
    const tries = attempts > 1 ? `, ${attempts} attempts` : "";
    const detail = `HTTP ${status}: ${serverMessage(error)}${tries}`;
    const init = { status, attempts, cause: error };
    if (status === 401 || status === 403)
      return new LlmAuthError(`LLM server refused the API key (${detail})`, init);
    if (status === 429) return new LlmRateLimitError(`LLM server rate limit (${detail})`, init);
    if (status === 408 || status === 409 || status >= 500) {
      return new LlmServerError(`LLM server error (${detail})`, init);
    }
    return new LlmBadRequestError(`LLM server rejected the request (${detail})`, init);
  }
  // A body that breaks mid-stream surfaces as a plain Error (terminated, socket hang up, bad SSE).
  return new LlmNetworkError(`LLM connection failed: ${causeMessage(error)}`, { attempts, cause: error });
}

function serverMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  return typeof body?.message === "string" ? body.message : error.message;
}

function causeMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

function toChatParams(request: CompletionRequest, model: string): ChatParams {
  const params: ChatParams = { model, messages: request.messages.map(toMessageParam) };
  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.maxTokens !== undefined) params.max_tokens = request.maxTokens;
  if (request.responseFormat === "json") params.response_format = { type: "json_object" };
  if (request.tools && request.tools.length > 0) {
    params.tools = request.tools.map((tool) => ({
      type: "function" as const,
      function: {
        name: tool.name,
        ...(tool.description ? { description: tool.description } : {}),
        parameters: tool.parameters ?? { type: "object", properties: {} },
      },
    }));
    params.tool_choice = request.toolChoice ?? "auto";
  }
  return params;
}

function toMessageParam(message: ChatMessage): MessageParam {
  switch (message.role) {
    case "tool":
      return { role: "tool", content: message.content, tool_call_id: message.toolCallId };
    case "assistant":
      return message.toolCalls && message.toolCalls.length > 0
        ? {
            role: "assistant",
            content: message.content || null,
            tool_calls: message.toolCalls.map((call) => ({
              id: call.id,
              type: "function" as const,
              function: { name: call.name, arguments: call.arguments },
            })),
          }
        : { role: "assistant", content: message.content };
    default:
      return { role: message.role, content: message.content };
  }
}
