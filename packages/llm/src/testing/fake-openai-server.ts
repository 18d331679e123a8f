import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A real HTTP server on loopback that speaks enough of the OpenAI protocol for tests: `POST
 * /v1/chat/completions` (JSON or SSE `data:` chunks ending in `data: [DONE]`) and `POST /v1/embeddings`.
 * Each request is answered by the next scripted reply, else by the default reply (an echo of the last
 * user message; deterministic bag-of-words embeddings). Every request is recorded, including whether the
 * client hung up before the reply ended.
 */

export interface FakeChatReply {
  type: "chat";
  /** Default "". */
  content?: string;
  /** Streamed as separate chunks in this order; default: `content` split into words. */
  chunks?: string[];
  toolCalls?: Array<{ id: string; name: string; arguments: string }>;
  /** Default `stop` (`tool_calls` when tool calls are given). */
  finishReason?: string;
  /** `null` sends no usage at all (some local servers do not). Default: counted by whitespace words. */
  usage?: { promptTokens: number; completionTokens: number } | null;
  /** Wait between streamed chunks, ms. Default 0. */
  chunkDelayMs?: number;
  /**
   * Awaited before streamed chunk `index` is sent (after `chunkDelayMs`). Default none. Lets a test hold a
   * stream mid-way until it has seen the first chunks arrive, instead of guessing a delay.
   */
  beforeChunk?: (index: number) => Promise<void> | void;
  /** Default `fake-model`. */
  model?: string;
}

export interface FakeErrorReply {
  type: "error";
  status: number;
  /** Default `{error: {message: "fake error <status>", type: "fake"}}`. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** Drop the connection without any response (the client sees a network error). */
export interface FakeHangUpReply {
  type: "hang-up";
}

export type FakeReply = FakeChatReply | FakeErrorReply | FakeHangUpReply;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (null when none or not JSON). */
  body: Record<string, unknown> | null;
  /** True when the client closed the connection before the reply was complete. */
  clientAborted: boolean;
}

export interface FakeOpenAIServer {
  /** The API root to give a client, e.g. `http://127.0.0.1:40123/v1`. */
  baseURL: string;
  requests: RecordedRequest[];
  /** Queues replies, used in order by the next requests (of any path). */
  reply(...replies: FakeReply[]): void;
  /** Resolves when a request's client has hung up mid-reply (or at once if one already has). */
  waitForClientAbort(): Promise<RecordedRequest>;
  close(): Promise<void>;
}

export const FAKE_EMBEDDING_DIMENSIONS = 64;

/** Deterministic embedding: words hashed into 64 buckets, L2-normalised. Similar word sets → similar vectors. */
export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(FAKE_EMBEDDING_DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let hash = 2166136261;
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 16777619) >>> 0;
    const bucket = hash % FAKE_EMBEDDING_DIMENSIONS;
    vector[bucket] = (vector[bucket] ?? 0) + 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((x) => x / norm);
}

export interface FakeServerOptions {
  /**
   * Answers chat requests when no reply is queued. Default: `echo: <last user message>`. A function gets
   * the recorded request (e2e tests use it to stream a known answer slowly).
   */
  defaultReply?: FakeChatReply | ((request: RecordedRequest) => FakeChatReply);
}

export async function startFakeOpenAIServer(options: FakeServerOptions = {}): Promise<FakeOpenAIServer> {
  const queue: FakeReply[] = [];
  const requests: RecordedRequest[] = [];
  const abortWaiters: Array<(request: RecordedRequest) => void> = [];
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const record: RecordedRequest = {
        method: req.method ?? "",
        path: (req.url ?? "").split("?")[0] ?? "",
        headers: req.headers,
        body: parseBody(Buffer.concat(chunks).toString("utf8")),
        clientAborted: false,
      };
      requests.push(record);
      res.on("close", () => {
        if (res.writableFinished) return;
        record.clientAborted = true;
        for (const resolve of abortWaiters.splice(0)) resolve(record);
      });
      void respond(record, queue.shift(), res, options.defaultReply);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    reply: (...replies) => queue.push(...replies),
    waitForClientAbort: () => {
      const done = requests.find((r) => r.clientAborted);
      return done ? Promise.resolve(done) : new Promise((resolve) => abortWaiters.push(resolve));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function parseBody(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

async function respond(
  request: RecordedRequest,
  scripted: FakeReply | undefined,
  res: http.ServerResponse,
  defaultReply: FakeServerOptions["defaultReply"],
) {
  if (scripted?.type === "hang-up") {
    res.socket?.destroy();
    return;
  }
  if (scripted?.type === "error") {
    const body = scripted.body ?? { error: { message: `fake error ${scripted.status}`, type: "fake" } };
    res.writeHead(scripted.status, { "content-type": "application/json", ...scripted.headers });
    res.end(JSON.stringify(body));
    return;
  }
  if (request.path.endsWith("/embeddings")) {
    const input = request.body?.input;
    const texts = Array.isArray(input) ? input.map(String) : [String(input ?? "")];
    sendJson(res, {
      object: "list",
      model: String(request.body?.model ?? "fake-embedding"),
      data: texts.map((text, index) => ({ object: "embedding", index, embedding: fakeEmbedding(text) })),
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
    return;
  }
  if (!request.path.endsWith("/chat/completions")) {
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: `no route ${request.path}` } }));
    return;
  }
  const fallback = typeof defaultReply === "function" ? defaultReply(request) : defaultReply;
  const reply = scripted ?? fallback ?? { type: "chat", content: `echo: ${lastUserMessage(request.body)}` };
  if (request.body?.stream === true) await streamChat(reply, request, res);
  else sendJson(res, chatCompletion(reply, request));
}

function sendJson(res: http.ServerResponse, value: unknown): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

function lastUserMessage(body: Record<string, unknown> | null): string {
  const messages = Array.isArray(body?.messages)
    ? (body.messages as Array<{ role?: string; content?: unknown }>)
    : [];
  const user = messages.filter((m) => m.role === "user").at(-1);
  return typeof user?.content === "string" ? user.content : "";
}

function usageOf(reply: FakeChatReply, request: RecordedRequest) {
  if (reply.usage === null) return undefined;
  const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
  const usage = reply.usage ?? {
    promptTokens: words(JSON.stringify(request.body?.messages ?? [])),
    completionTokens: words(reply.content ?? ""),
  };
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}

function finishReasonOf(reply: FakeChatReply): string {
  return reply.finishReason ?? (reply.toolCalls?.length ? "tool_calls" : "stop");
}

function chatCompletion(reply: FakeChatReply, request: RecordedRequest) {
  const toolCalls = reply.toolCalls?.map((call) => ({
    id: call.id,
    type: "function",
    function: { name: call.name, arguments: call.arguments },
  }));
  const usage = usageOf(reply, request);
  return {
    id: "chatcmpl-fake",
    object: "chat.completion",
    created: 0,
    model: reply.model ?? "fake-model",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: reply.content ?? null,
          ...(toolCalls ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: finishReasonOf(reply),
      },
    ],
    ...(usage ? { usage } : {}),
  };
}

async function streamChat(reply: FakeChatReply, request: RecordedRequest, res: http.ServerResponse) {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  const model = reply.model ?? "fake-model";
  const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    res.write(
      `data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created: 0, model, choices, ...extra })}\n\n`,
    );
  const pieces = reply.chunks ?? (reply.content ?? "").split(/(?<=\s)/).filter(Boolean);
  send([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
  for (const [index, piece] of pieces.entries()) {
    if (reply.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, reply.chunkDelayMs));
    await reply.beforeChunk?.(index);
    if (res.destroyed) return;
    send([{ index: 0, delta: { content: piece }, finish_reason: null }]);
  }
  // Tool calls arrive as OpenAI sends them: the id and name first, then the arguments in two halves.
  for (const [index, call] of (reply.toolCalls ?? []).entries()) {
    const half = Math.floor(call.arguments.length / 2);
    send([
      {
        index: 0,
        delta: {
          tool_calls: [
            { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } },
          ],
        },
      },
    ]);
    send([
      {
        index: 0,
        delta: { tool_calls: [{ index, function: { arguments: call.arguments.slice(0, half) } }] },
      },
    ]);
    send([
      { index: 0, delta: { tool_calls: [{ index, function: { arguments: call.arguments.slice(half) } }] } },
    ]);
  }
  send([{ index: 0, delta: {}, finish_reason: finishReasonOf(reply) }]);
  const usage = usageOf(reply, request);
  const wantsUsage = (request.body?.stream_options as { include_usage?: boolean } | undefined)?.include_usage;
  if (usage && wantsUsage) send([], { usage });
  res.end("data: [DONE]\n\n");
}
