import type { LlmProvider } from "./types.ts";

/**
 * Adapters from a provider to the context engine's ports (`LlmSummarizer`, `Embedder` in
 * `@taskloom/context`), typed structurally so that this package does not depend on that one.
 */

/** A query-focused summary written by the model, used by `context.summarize: llm`. */
export function llmSummarizer(provider: LlmProvider, model: string) {
  return {
    id: `${provider.name}:${model}:v1`,
    summarize: async (text: string, options: { query: string; maxTokens: number }): Promise<string> => {
      const result = await provider.complete({
        model,
        stream: false,
        temperature: 0,
        maxTokens: options.maxTokens,
        messages: [
          {
            role: "system",
            content:
              "You shorten documents for another model. Keep every fact, number, name and date that bears on the question; drop the rest. Write plain sentences, no preamble.",
          },
          { role: "user", content: `Question: ${options.query}\n\nDocument:\n${text}` },
        ],
      });
      return result.text.trim();
    },
  };
}

/** Embeddings from the provider's `/embeddings`, for hybrid retrieval (`TASKLOOM_EMBEDDINGS_MODEL`). */
export function providerEmbedder(provider: LlmProvider, model: string) {
  return {
    id: `${provider.name}:${model}`,
    embed: (texts: string[]) => provider.embed(texts, { model }),
  };
}
