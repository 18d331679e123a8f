import type { Tokenizer } from "@taskloom/core";
import { LlmAbortedError, LlmBadRequestError } from "./errors.ts";
import { countMessageTokens } from "./message-tokens.ts";
import { tokenizerForModel } from "./tokenizer.ts";
import type {
  ChatMessage,
  CompleteOptions,
  CompletionRequest,
  CompletionResult,
  LlmProvider,
} from "./types.ts";

/** The first line of every dry-run output, so no reader (person, CLI, UI, a downstream task) mistakes it. */
export const DRY_RUN_LABEL = "[dry-run: no LLM provider configured; this is the compiled prompt]";

/** The model name a dry-run result reports. */
export const DRY_RUN_MODEL = "dry-run";

/**
 * Used when no provider is configured. The output is the label, then the exact messages that would have
 * been sent, each under its role. Nothing pretends to be a model answer: `finishReason` is `dry_run`,
 * completion tokens are 0, and prompt tokens are counted with the requested model's tokenizer.
 */
export class DryRunProvider implements LlmProvider {
  readonly name = "dry-run";
  readonly dryRun = true;
  readonly #tokenizer: ((model: string) => Tokenizer) | undefined;

  /** @param tokenizer Default: `tokenizerForModel` (cl100k for unknown models). */
  constructor(options: { tokenizer?: (model: string) => Tokenizer } = {}) {
    this.#tokenizer = options.tokenizer;
  }

  async complete(request: CompletionRequest, options: CompleteOptions = {}): Promise<CompletionResult> {
    if (options.signal?.aborted) throw new LlmAbortedError("LLM request cancelled");
    const text = renderDryRun(request.messages);
    options.onToken?.(text);
    const tokenizer = (this.#tokenizer ?? tokenizerForModel)(request.model ?? "");
    return {
      text,
      usage: {
        promptTokens: countMessageTokens(tokenizer, request.messages),
        completionTokens: 0,
        source: "tokenizer",
      },
      model: DRY_RUN_MODEL,
      finishReason: "dry_run",
      attempts: 0,
    };
  }

  async embed(): Promise<number[][]> {
    throw new LlmBadRequestError("embeddings need an LLM provider; none is configured (dry run)");
  }
}

/** The dry-run output for a chat: the label, then each message as `--- role ---` and its exact content. */
export function renderDryRun(messages: ChatMessage[]): string {
  const parts = messages.map((message) => `--- ${message.role} ---\n${message.content}`);
  return `${DRY_RUN_LABEL}\n${parts.join("\n")}`;
}
