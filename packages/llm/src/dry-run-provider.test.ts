import { describe, expect, it } from "vitest";
import { DRY_RUN_LABEL, DryRunProvider } from "./dry-run-provider.ts";
import { LlmAbortedError, LlmBadRequestError } from "./errors.ts";
import { tokenizerForModel } from "./tokenizer.ts";

describe("DryRunProvider", () => {
  const messages = [
    { role: "system" as const, content: "You are precise." },
    { role: "user" as const, content: "# Context\n\nfacts\n\n# Task\n\nWrite the brief." },
  ];

  it("outputs the exact compiled prompt under the dry-run label, streamed once", async () => {
    const tokens: string[] = [];
    const result = await new DryRunProvider().complete(
      { messages, model: "gpt-4o" },
      { onToken: (t) => tokens.push(t) },
    );
    expect(result.text).toBe(
      `${DRY_RUN_LABEL}\n--- system ---\nYou are precise.\n--- user ---\n${messages[1]?.content}`,
    );
    expect(result.text.split("\n")[0]).toBe(
      "[dry-run: no LLM provider configured; this is the compiled prompt]",
    );
    expect(tokens).toEqual([result.text]);
    expect(result).toMatchObject({ model: "dry-run", finishReason: "dry_run", attempts: 0 });
    const tokenizer = tokenizerForModel("gpt-4o");
    expect(result.usage).toEqual({
      promptTokens:
        3 + 8 + tokenizer.count(messages[0]?.content ?? "") + tokenizer.count(messages[1]?.content ?? ""),
      completionTokens: 0,
      source: "tokenizer",
    });
  });

  it("honours a cancelled signal and has no embeddings", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      new DryRunProvider().complete({ messages }, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(LlmAbortedError);
    await expect(new DryRunProvider().embed()).rejects.toBeInstanceOf(LlmBadRequestError);
  });
});
