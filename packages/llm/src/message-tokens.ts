import type { Tokenizer } from "@taskloom/core";
import type { ChatMessage } from "./types.ts";

/**
 * Prompt tokens of a chat as OpenAI counts them for its chat models: each message costs its content plus
 * about 4 tokens of role framing, and the reply is primed with 3 more. Exact for gpt-4o-class models
 * without tools; an estimate elsewhere (used only when a server reports no usage, and then labelled so).
 */
export function countMessageTokens(tokenizer: Tokenizer, messages: ChatMessage[]): number {
  let total = 3;
  for (const message of messages) {
    total += 4 + tokenizer.count(message.content);
    if (message.role === "assistant") {
      for (const call of message.toolCalls ?? []) total += tokenizer.count(call.name + call.arguments);
    }
  }
  return total;
}
