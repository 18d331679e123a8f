import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { llmSummarizer, providerEmbedder } from "./context-adapters.ts";
import { OpenAICompatibleProvider } from "./openai-provider.ts";
import { type FakeOpenAIServer, fakeEmbedding, startFakeOpenAIServer } from "./testing/fake-openai-server.ts";

let server: FakeOpenAIServer;
beforeEach(async () => {
  server = await startFakeOpenAIServer();
});
afterEach(async () => {
  await server.close();
});

describe("context adapters", () => {
  it("summarizes through the provider with the question and the token limit", async () => {
    const provider = new OpenAICompatibleProvider({ baseURL: server.baseURL, model: "m" });
    server.reply({ type: "chat", content: "  Churn was 4.7%.  " });
    const summarizer = llmSummarizer(provider, "small-model");
    expect(await summarizer.summarize("long text", { query: "churn?", maxTokens: 50 })).toBe(
      "Churn was 4.7%.",
    );
    expect(summarizer.id).toBe("openai-compatible:small-model:v1");
    expect(server.requests[0]?.body).toMatchObject({ model: "small-model", max_tokens: 50, temperature: 0 });
    const messages = server.requests[0]?.body?.messages as Array<{ content: string }>;
    expect(messages[1]?.content).toBe("Question: churn?\n\nDocument:\nlong text");
  });

  it("embeds through the provider's /embeddings", async () => {
    const provider = new OpenAICompatibleProvider({ baseURL: server.baseURL });
    const embedder = providerEmbedder(provider, "nomic-embed-text");
    expect(await embedder.embed(["a b"])).toEqual([fakeEmbedding("a b")]);
    expect(server.requests[0]?.body?.model).toBe("nomic-embed-text");
  });
});
