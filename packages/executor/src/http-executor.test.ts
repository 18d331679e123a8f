import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecutionRequest } from "./execution.ts";
import { executeHttp } from "./http-executor.ts";
import { OUTPUT_LIMIT_BYTES } from "./output-capture.ts";
import { executionRequest, httpSpec, logRecorder, taskDefinition } from "./test-fixtures.ts";

let server: Server;
let baseUrl: string;

async function readRequestBody(req: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of req) body += String(chunk);
  return body;
}

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  switch (url.pathname) {
    case "/json":
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end('{ "ok": true, "items": [1, 2] }');
      return;
    case "/echo": {
      const body = await readRequestBody(req);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          method: req.method,
          path: req.url,
          token: req.headers["x-token"] ?? null,
          authorization: req.headers.authorization ?? null,
          body,
        }),
      );
      return;
    }
    case "/text":
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("[1, 2, 3]");
      return;
    case "/broken-json":
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{ not json");
      return;
    case "/fail":
      res.writeHead(503, { "content-type": "text/plain" });
      res.end(`maintenance\nwindow ${"x".repeat(500)}`);
      return;
    case "/error":
      res.writeHead(500);
      res.end();
      return;
    case "/big":
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("b".repeat(OUTPUT_LIMIT_BYTES + 10));
      return;
    case "/hang":
      // Never answers: the client's timeout or cancel has to end the exchange.
      return;
    case "/slow-body":
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("start ");
      return;
    default:
      res.writeHead(404);
      res.end("not found");
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void route(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function http(
  url: string,
  options: {
    spec?: Parameters<typeof httpSpec>[1];
    task?: Parameters<typeof taskDefinition>[1];
    request?: Partial<ExecutionRequest>;
  } = {},
): ExecutionRequest {
  return executionRequest(taskDefinition(httpSpec(url, options.spec), options.task), options.request);
}

describe("http executor", () => {
  it("succeeds on 200 with the body as output and JSON parsed from a JSON response", async () => {
    const logs = logRecorder();
    const result = await executeHttp(http(`${baseUrl}/json`, { request: { onLog: logs.onLog } }));
    expect(result).toMatchObject({
      status: "succeeded",
      exitCode: null,
      outputText: '{ "ok": true, "items": [1, 2] }',
      outputJson: '{"ok":true,"items":[1,2]}',
      error: null,
      reason: null,
    });
    expect(logs.entries.map((entry) => entry.stream)).toEqual(["system"]);
    expect(logs.text("system")).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/json → 200 \(\d+ ms\)\n$/);
  });

  it("sends the method, templated url, headers and body", async () => {
    const result = await executeHttp(
      http(`${baseUrl}/echo?run={{run.id}}`, {
        spec: {
          method: "POST",
          headers: { "x-token": "t-{{params.token}}" },
          body: '{"from": "{{tasks.up.output}}"}',
        },
        request: {
          runId: "r9",
          params: { token: "abc" },
          upstream: { up: { output: "upstream", json: null } },
        },
      }),
    );
    expect(result.status).toBe("succeeded");
    expect(JSON.parse(result.outputJson ?? "null")).toEqual({
      method: "POST",
      path: "/echo?run=r9",
      token: "t-abc",
      authorization: null,
      body: '{"from": "upstream"}',
    });
  });

  it("fails a non-2xx response with reason error, the status and the start of the body", async () => {
    const result = await executeHttp(http(`${baseUrl}/fail`));
    expect(result).toMatchObject({ status: "failed", reason: "error", exitCode: null });
    expect(result.error).toBe(`HTTP 503 Service Unavailable: maintenance window ${"x".repeat(200 - 19)}`);
    expect(result.outputText).toContain("maintenance");
  });

  it("fails a 500 with an empty body with just the status", async () => {
    const result = await executeHttp(http(`${baseUrl}/error`, { spec: { method: "DELETE" } }));
    expect(result).toMatchObject({
      status: "failed",
      reason: "error",
      error: "HTTP 500 Internal Server Error",
    });
  });

  it("times out a server that never answers", async () => {
    const startedAt = performance.now();
    const result = await executeHttp(http(`${baseUrl}/hang`, { task: { timeoutMs: 200 } }));
    expect(result).toMatchObject({ status: "failed", reason: "timeout", error: "timed out after 200ms" });
    expect(performance.now() - startedAt).toBeLessThan(2000);
  });

  it("times out a body that never ends", async () => {
    const result = await executeHttp(http(`${baseUrl}/slow-body`, { task: { timeoutMs: 200 } }));
    expect(result).toMatchObject({ status: "failed", reason: "timeout" });
  });

  it("cancels through the signal", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await executeHttp(http(`${baseUrl}/hang`, { request: { signal: controller.signal } }));
    expect(result).toMatchObject({ status: "cancelled", reason: "cancelled", error: "cancelled" });
  });

  it("fails with the cause when the connection is refused", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const logs = logRecorder();
    const result = await executeHttp(http(`http://127.0.0.1:${port}/`, { request: { onLog: logs.onLog } }));
    expect(result).toMatchObject({ status: "failed", reason: "error", exitCode: null });
    expect(result.error).toMatch(/^request failed: .*ECONNREFUSED/);
    expect(logs.text("system")).toContain("ECONNREFUSED");
  });

  it("parses the body when the task's output is json, whatever the content type", async () => {
    const result = await executeHttp(http(`${baseUrl}/text`, { task: { output: "json" } }));
    expect(result).toMatchObject({ status: "succeeded", outputText: "[1, 2, 3]", outputJson: "[1,2,3]" });
  });

  it("leaves outputJson null for a text response when the output is text", async () => {
    const result = await executeHttp(http(`${baseUrl}/text`));
    expect(result).toMatchObject({ status: "succeeded", outputJson: null });
  });

  it("succeeds with outputJson null when a JSON response does not parse and JSON was not required", async () => {
    const result = await executeHttp(http(`${baseUrl}/broken-json`));
    expect(result).toMatchObject({ status: "succeeded", outputText: "{ not json", outputJson: null });
  });

  it("fails with output_parse when JSON was required and the body does not parse", async () => {
    const result = await executeHttp(http(`${baseUrl}/broken-json`, { task: { output: "json" } }));
    expect(result).toMatchObject({ status: "failed", reason: "output_parse" });
    expect(result.error).toMatch(/^output is not valid JSON: /);
  });

  it("truncates a body over 1 MiB", async () => {
    const result = await executeHttp(http(`${baseUrl}/big`));
    expect(result.outputText).toBe(
      `${"b".repeat(OUTPUT_LIMIT_BYTES)}\n…[output truncated: ${OUTPUT_LIMIT_BYTES + 10} bytes total]`,
    );
  });

  it("fails with reason error when the url does not render or parse", async () => {
    expect(await executeHttp(http(`${baseUrl}/{{params.nope}}`))).toMatchObject({
      status: "failed",
      reason: "error",
    });
    const invalid = await executeHttp(http("not a url"));
    expect(invalid).toMatchObject({ status: "failed", reason: "error", error: "invalid URL: not a url" });
  });

  it("sends credentials in the URL as Basic authorization and keeps them out of the log", async () => {
    const logs = logRecorder();
    const url = new URL(`${baseUrl}/echo`);
    url.username = "user";
    url.password = "s3cret";
    const result = await executeHttp(http(url.href, { request: { onLog: logs.onLog } }));
    expect(result.error).toBeNull();
    const echoed: unknown = JSON.parse(result.outputJson ?? "null");
    expect(echoed).toMatchObject({ authorization: `Basic ${Buffer.from("user:s3cret").toString("base64")}` });
    expect(logs.text("system")).not.toContain("s3cret");
    expect(logs.text("system")).toContain(`GET ${baseUrl}/echo → 200`);
  });

  it("returns cancelled at once when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await executeHttp(http(`${baseUrl}/json`, { request: { signal: controller.signal } }));
    expect(result).toMatchObject({ status: "cancelled", reason: "cancelled" });
  });
});
