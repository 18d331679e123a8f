/**
 * Glossary (LLM providers)
 * ------------------------
 * - **provider**: something that turns chat messages into a completion (`LlmProvider`). The OpenAI-compatible
 *   provider talks HTTP to any server that speaks Chat Completions; the dry-run provider answers with the
 *   compiled prompt itself, labelled, when no server is configured.
 * - **completion**: one model answer: text and/or tool calls, token usage, finish reason.
 * - **usage source**: `server` when the server reported token usage, `tokenizer` when it did not and the
 *   provider counted with gpt-tokenizer instead (an estimate: the server's own tokenizer may differ).
 * - **attempt**: one HTTP request; a completion may take several when 429/5xx responses are retried.
 */

export type ChatMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string; toolCalls?: ToolCall[] }
  | { role: "tool"; content: string; toolCallId: string };

export interface ToolDefinition {
  name: string;
  /** Default none. */
  description?: string;
  /** JSON Schema of the arguments. Default `{type: "object", properties: {}}`. */
  parameters?: Record<string, unknown>;
}

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as the model wrote them: JSON text, not parsed (it may be malformed). */
  arguments: string;
}

export interface CompletionRequest {
  messages: ChatMessage[];
  /** Default: the provider's configured model. */
  model?: string;
  /** Default: the server's default. */
  temperature?: number;
  /** Output tokens at most. Default: the server's default. */
  maxTokens?: number;
  /** Default none. */
  tools?: ToolDefinition[];
  /** Default `auto` when tools are given. */
  toolChoice?: "auto" | "none" | "required";
  /** `json` asks the server for a JSON object (`response_format: json_object`). Default `text`. */
  responseFormat?: "text" | "json";
  /** Stream tokens as they arrive. Default true. */
  stream?: boolean;
}

export interface CompleteOptions {
  /** Aborts the request (and any retry wait) when it fires. */
  signal?: AbortSignal;
  /** Called with each piece of text as it arrives (streaming), or once with the whole text. */
  onToken?: (text: string) => void;
  /** Time limit for the whole completion, retries included, in ms. Default: the provider's `timeoutMs`. */
  timeoutMs?: number;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** `server` when reported by the server; `tokenizer` when counted locally because it sent none. */
  source: "server" | "tokenizer";
}

export interface CompletionResult {
  text: string;
  usage: Usage;
  /** The model that answered, as the server named it (or the requested one). */
  model: string;
  /** `stop`, `length`, `tool_calls`, `content_filter`, … as the server said; `dry_run` for the dry run. */
  finishReason: string;
  /** Present when the model called tools. */
  toolCalls?: ToolCall[];
  /** HTTP requests made, retries included (0 for the dry run). */
  attempts: number;
}

export interface EmbedOptions {
  signal?: AbortSignal;
  /** Default: the provider's embeddings model. */
  model?: string;
}

export interface LlmProvider {
  /** `openai-compatible` or `dry-run`. */
  readonly name: string;
  /** True for the dry-run provider: its output is the prompt, not a model answer. */
  readonly dryRun: boolean;
  complete(request: CompletionRequest, options?: CompleteOptions): Promise<CompletionResult>;
  /** One vector per text, in order. */
  embed(texts: string[], options?: EmbedOptions): Promise<number[][]>;
}
