import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  LlmAbortedError,
  LlmAuthError,
  LlmBadRequestError,
  LlmNetworkError,
  LlmRateLimitError,
  LlmServerError,
} from "./errors.ts";
import { type OpenAICompatibleOptions, OpenAICompatibleProvider } from "./openai-provider.ts";
import { type FakeOpenAIServer, fakeEmbedding, startFakeOpenAIServer } from "./testing/fake-openai-server.ts";
import { tokenizerForModel } from "./tokenizer.ts";

let server: FakeOpenAIServer;
let sleeps: number[];

beforeEach(async () => {
  server = await startFakeOpenAIServer();
  sleeps = [];
});
afterEach(async () => {
  await server.close();
});

function provider(options: Partial<OpenAICompatibleOptions> = {}) {
  return new OpenAICompatibleProvider({
    baseURL: server.baseURL,
    apiKey: "sk-test",
    model: "gpt-4o-mini",
    embeddingsModel: "text-embedding-3-small",
    // Recorded, not slept: the tests check the waits without spending them.
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
}

const ask = [{ role: "user" as const, content: "Say hello" }];

describe("OpenAICompatibleProvider, chat", () => {
  it("receives the first tokens while the server still holds the rest of the stream", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let firstTokens: string[] | null = null;
    const calls: number[] = [];
    server.reply({
      type: "chat",
      chunks: ["one ", "two ", "three"],
      beforeChunk: (i) => {
        calls.push(i);
        return i === 2 ? held : undefined;
      },
    });
    const tokens: string[] = [];
    const result = await provider().complete(
      { messages: ask },
      {
        onToken: (text) => {
          tokens.push(text);
          if (tokens.length === 2) {
            firstTokens = [...tokens];
            release();
          }
        },
      },
    );
    expect(firstTokens).toEqual(["one ", "two "]);
    expect(calls).toEqual([0, 1, 2]);
    expect(result.text).toBe("one two three");
  });

  it("streams tokens as they arrive and reports the server's usage", async () => {
    server.reply({
      type: "chat",
      chunks: ["Hel", "lo ", "world"],
      usage: { promptTokens: 11, completionTokens: 3 },
    });
    const tokens: string[] = [];
    const result = await provider().complete(
      { messages: ask, temperature: 0.2, maxTokens: 50 },
      { onToken: (t) => tokens.push(t) },
    );
    expect(tokens).toEqual(["Hel", "lo ", "world"]);
    expect(result).toMatchObject({
      text: "Hello world",
      finishReason: "stop",
      model: "fake-model",
      attempts: 1,
      usage: { promptTokens: 11, completionTokens: 3, source: "server" },
    });
    const body = server.requests[0]?.body;
    expect(body).toMatchObject({
      model: "gpt-4o-mini",
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      max_tokens: 50,
      messages: [{ role: "user", content: "Say hello" }],
    });
    expect(server.requests[0]?.headers.authorization).toBe("Bearer sk-test");
  });

  it("counts usage with the tokenizer, and says so, when the server sends none", async () => {
    server.reply({ type: "chat", content: "The answer is 42.", usage: null });
    const result = await provider().complete({ messages: ask });
    const tokenizer = tokenizerForModel("gpt-4o-mini");
    expect(result.usage).toEqual({
      promptTokens: 3 + 4 + tokenizer.count("Say hello"),
      completionTokens: tokenizer.count("The answer is 42."),
      source: "tokenizer",
    });
  });

  it("answers without streaming when asked, with usage and one onToken call", async () => {
    server.reply({ type: "chat", content: "Plain answer", usage: { promptTokens: 5, completionTokens: 2 } });
    const tokens: string[] = [];
    const result = await provider().complete(
      { messages: ask, stream: false, responseFormat: "json" },
      { onToken: (t) => tokens.push(t) },
    );
    expect(result.text).toBe("Plain answer");
    expect(result.usage).toEqual({ promptTokens: 5, completionTokens: 2, source: "server" });
    expect(tokens).toEqual(["Plain answer"]);
    expect(server.requests[0]?.body?.stream).toBe(false);
    expect(server.requests[0]?.body?.response_format).toEqual({ type: "json_object" });
  });

  it.each([true, false])("returns tool calls (stream %s)", async (stream) => {
    const call = { id: "call_1", name: "set_note", arguments: '{"key":"audience","value":"CFO"}' };
    server.reply({ type: "chat", toolCalls: [call] });
    const result = await provider().complete({
      messages: ask,
      stream,
      tools: [
        {
          name: "set_note",
          description: "Store a note",
          parameters: { type: "object", properties: { key: { type: "string" } } },
        },
      ],
    });
    expect(result.toolCalls).toEqual([call]);
    expect(result.finishReason).toBe("tool_calls");
    expect(server.requests[0]?.body).toMatchObject({
      tool_choice: "auto",
      tools: [{ type: "function", function: { name: "set_note", description: "Store a note" } }],
    });
  });

  it("sends tool results back in the protocol's shape", async () => {
    await provider().complete({
      stream: false,
      messages: [
        ...ask,
        { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "lookup", arguments: "{}" }] },
        { role: "tool", content: "result", toolCallId: "c1" },
      ],
    });
    expect(server.requests[0]?.body?.messages).toEqual([
      { role: "user", content: "Say hello" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "lookup", arguments: "{}" } }],
      },
      { role: "tool", content: "result", tool_call_id: "c1" },
    ]);
  });
});

describe("OpenAICompatibleProvider, errors and retries", () => {
  it("waits as long as Retry-After says on a 429, then succeeds", async () => {
    server.reply(
      { type: "error", status: 429, headers: { "retry-after": "7" } },
      { type: "error", status: 429, headers: { "retry-after-ms": "250" } },
      { type: "chat", content: "ok" },
    );
    const result = await provider().complete({ messages: ask });
    expect(result.text).toBe("ok");
    expect(result.attempts).toBe(3);
    expect(sleeps).toEqual([7000, 250]);
    expect(server.requests).toHaveLength(3);
  });

  it("reads a Retry-After given as an HTTP date against the injected clock", async () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    server.reply(
      { type: "error", status: 429, headers: { "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" } },
      { type: "chat", content: "ok" },
    );
    await provider({ now: () => now }).complete({ messages: ask });
    expect(sleeps).toEqual([5000]);
  });

  it("backs off exponentially on 5xx without Retry-After, and gives up with a typed error", async () => {
    server.reply(...Array.from({ length: 4 }, () => ({ type: "error" as const, status: 503 })));
    const error = await provider({ retry: { maxRetries: 3, baseDelayMs: 100 } })
      .complete({ messages: ask })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmServerError);
    expect(error).toMatchObject({ status: 503, attempts: 4, retryable: true });
    // random() = 0.5 puts each wait at 75 % of base × 2^(n−1).
    expect(sleeps).toEqual([75, 150, 300]);
    expect(server.requests).toHaveLength(4);
  });

  it("ends with a rate-limit error when 429s outlast the retries", async () => {
    server.reply(
      ...Array.from({ length: 2 }, () => ({
        type: "error" as const,
        status: 429,
        headers: { "retry-after": "1" },
      })),
    );
    const error = await provider({ retry: { maxRetries: 1 } })
      .complete({ messages: ask })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmRateLimitError);
    expect(sleeps).toEqual([1000]);
  });

  it("does not wait for a Retry-After beyond the limit", async () => {
    server.reply({ type: "error", status: 429, headers: { "retry-after": "3600" } });
    const error = await provider()
      .complete({ messages: ask })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmRateLimitError);
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it("does not retry 4xx: auth and bad request errors carry the server's message", async () => {
    server.reply(
      { type: "error", status: 401, body: { error: { message: "Incorrect API key provided" } } },
      { type: "error", status: 400, body: { error: { message: "model 'nope' not found" } } },
    );
    const auth = await provider()
      .complete({ messages: ask })
      .catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(LlmAuthError);
    expect((auth as Error).message).toContain("Incorrect API key provided");
    const bad = await provider()
      .complete({ messages: ask, model: "nope" })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(LlmBadRequestError);
    expect(bad).toMatchObject({ status: 400, retryable: false });
    expect((bad as Error).message).toContain("model 'nope' not found");
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toEqual([]);
  });

  it("retries a dropped connection, then reports a network error", async () => {
    server.reply({ type: "hang-up" }, { type: "chat", content: "back" });
    expect((await provider().complete({ messages: ask })).text).toBe("back");
    server.reply({ type: "hang-up" }, { type: "hang-up" });
    const error = await provider({ retry: { maxRetries: 1 } })
      .complete({ messages: ask })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmNetworkError);
  });

  it("reports a network error when nothing listens", async () => {
    const url = server.baseURL;
    await server.close();
    server = await startFakeOpenAIServer();
    const error = await new OpenAICompatibleProvider({ baseURL: url, model: "m", retry: { maxRetries: 0 } })
      .complete({ messages: ask })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmNetworkError);
  });

  it("refuses a request with no model before any HTTP call", async () => {
    const error = await provider({ model: undefined })
      .complete({ messages: ask })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmBadRequestError);
    expect(server.requests).toHaveLength(0);
  });
});

describe("OpenAICompatibleProvider, cancel", () => {
  it("aborts a slow stream mid-way: the server sees the client hang up", async () => {
    server.reply({ type: "chat", chunks: Array.from({ length: 200 }, (_, i) => `t${i} `), chunkDelayMs: 20 });
    const controller = new AbortController();
    const tokens: string[] = [];
    const pending = provider().complete(
      { messages: ask },
      {
        signal: controller.signal,
        onToken: (t) => {
          tokens.push(t);
          if (tokens.length === 3) controller.abort();
        },
      },
    );
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmAbortedError);
    const aborted = await server.waitForClientAbort();
    expect(aborted.path).toBe("/v1/chat/completions");
    expect(tokens).toHaveLength(3);
    expect(sleeps).toEqual([]);
  });

  it("stops a retry wait when cancelled", async () => {
    server.reply({ type: "error", status: 503 });
    const controller = new AbortController();
    const error = await provider({
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener("abort", () => reject(signal.reason));
          controller.abort();
        }),
    })
      .complete({ messages: ask }, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmAbortedError);
    expect(server.requests).toHaveLength(1);
  });

  it("times out with a timeout error, which is retryable by the scheduler", async () => {
    server.reply({ type: "chat", chunks: ["a ", "b ", "c "], chunkDelayMs: 2000 });
    const error = await provider()
      .complete({ messages: ask }, { timeoutMs: 100 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "timeout", retryable: true });
    await server.waitForClientAbort();
  });
});

describe("OpenAICompatibleProvider, embeddings", () => {
  it("embeds texts in order through /embeddings as floats", async () => {
    const vectors = await provider().embed(["churn rate", "revenue growth"]);
    expect(vectors).toEqual([fakeEmbedding("churn rate"), fakeEmbedding("revenue growth")]);
    expect(server.requests[0]).toMatchObject({
      path: "/v1/embeddings",
      body: {
        model: "text-embedding-3-small",
        input: ["churn rate", "revenue growth"],
        encoding_format: "float",
      },
    });
  });

  it("needs an embeddings model", async () => {
    await expect(provider({ embeddingsModel: undefined }).embed(["x"])).rejects.toBeInstanceOf(
      LlmBadRequestError,
    );
  });
});

describe("fake server default reply", () => {
  it("answers unscripted requests with the configured reply", async () => {
    const custom = await startFakeOpenAIServer({
      defaultReply: (request) => ({ type: "chat", content: `model ${String(request.body?.model)} says hi` }),
    });
    try {
      const result = await new OpenAICompatibleProvider({ baseURL: custom.baseURL, model: "m1" }).complete({
        messages: ask,
      });
      expect(result.text).toBe("model m1 says hi");
    } finally {
      await custom.close();
    }
  });
});
