export type { Tokenizer } from "@taskloom/core";
export { llmSummarizer, providerEmbedder } from "./context-adapters.ts";
export { DRY_RUN_LABEL, DRY_RUN_MODEL, DryRunProvider, renderDryRun } from "./dry-run-provider.ts";
export {
  LlmAbortedError,
  LlmAuthError,
  LlmBadRequestError,
  LlmError,
  type LlmErrorCode,
  LlmNetworkError,
  LlmRateLimitError,
  LlmServerError,
  LlmTimeoutError,
} from "./errors.ts";
export { countMessageTokens } from "./message-tokens.ts";
export { type OpenAICompatibleOptions, OpenAICompatibleProvider } from "./openai-provider.ts";
export { backoffDelayMs, DEFAULT_RETRY_OPTIONS, type RetryOptions, retryAfterMs } from "./retry.ts";
export {
  contextWindowFor,
  DEFAULT_CONTEXT_WINDOW,
  type EncodingName,
  encodingForModel,
  tokenizerForEncoding,
  tokenizerForModel,
} from "./tokenizer.ts";
export type * from "./types.ts";
