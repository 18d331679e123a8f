import type { HttpSpec } from "@taskloom/core";
import { preflight } from "./attempt-preflight.ts";
import {
  type AttemptOutput,
  errorMessage,
  failedResult,
  startTimer,
  succeededResult,
} from "./attempt-result.ts";
import { type AttemptSignal, createAttemptSignal, stoppedResult } from "./attempt-signal.ts";
import type { ExecutionRequest, ExecutionResult } from "./execution.ts";
import { parseJsonOutput } from "./json-output.ts";
import { type LogSink, logSinkOf, systemLine } from "./log-sink.ts";
import { type CapturedOutput, OutputCapture, withTruncationMarker } from "./output-capture.ts";
import { renderField, renderValues, templateContextOf } from "./template-context.ts";

/** Characters of a failed response's body quoted in the error message. */
const ERROR_BODY_CHARS = 200;

/**
 * An HTTP call. The timeout covers the whole exchange, body included. Any 2xx succeeds; other statuses
 * fail with reason `error` (there is no exit code to report, so `exitCode` stays null).
 */
export async function executeHttp(req: ExecutionRequest): Promise<ExecutionResult> {
  const start = preflight(req, "http");
  if (!start.ok) return start.result;
  const { startedAt, spec } = start;

  let request: PreparedRequest;
  try {
    request = prepareRequest(req, spec);
  } catch (error) {
    return failedResult(startedAt, "error", errorMessage(error));
  }

  const log = logSinkOf(req);
  const attempt = createAttemptSignal({ timeoutMs: req.definition.timeoutMs, cancel: req.signal });
  try {
    return await exchange(req, request, attempt, log, startedAt);
  } finally {
    attempt.dispose();
  }
}

interface PreparedRequest {
  method: HttpSpec["method"];
  url: URL;
  headers: Record<string, string>;
  body: string | null;
}

function prepareRequest(req: ExecutionRequest, spec: HttpSpec): PreparedRequest {
  const context = templateContextOf(req);
  const urlText = renderField(spec.url, context, "url");
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    throw new Error(`invalid URL: ${urlText}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`unsupported URL scheme: ${url.protocol}`);
  }
  const headers = renderValues(spec.headers, context, "headers");
  moveCredentialsToHeader(url, headers);
  return {
    method: spec.method,
    url,
    headers,
    body: spec.body === null ? null : renderField(spec.body, context, "body"),
  };
}

/**
 * fetch refuses URLs with user info (and its error would quote the password), so `user:pass@` becomes
 * Basic authorization, as curl does, unless the task sets its own. Either way the URL that is sent and
 * logged carries no credentials.
 */
function moveCredentialsToHeader(url: URL, headers: Record<string, string>): void {
  if (url.username === "" && url.password === "") return;
  const hasAuthorization = Object.keys(headers).some((name) => name.toLowerCase() === "authorization");
  if (!hasAuthorization) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
  }
  url.username = "";
  url.password = "";
}

async function exchange(
  req: ExecutionRequest,
  request: PreparedRequest,
  attempt: AttemptSignal,
  log: LogSink,
  startedAt: number,
): Promise<ExecutionResult> {
  const label = `${request.method} ${request.url.href}`;
  const sentAt = startTimer();
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: attempt.signal,
    });
  } catch (error) {
    const stopped = stoppedResult(req, attempt, startedAt);
    const message = stopped?.error ?? `request failed: ${fetchErrorMessage(error)}`;
    systemLine(log, `${label} failed: ${message} (${Math.round(performance.now() - sentAt)} ms)`);
    return stopped ?? failedResult(startedAt, "error", message);
  }
  systemLine(log, `${label} → ${response.status} (${Math.round(performance.now() - sentAt)} ms)`);

  let body: CapturedOutput;
  try {
    body = await readBody(response);
  } catch (error) {
    const stopped = stoppedResult(req, attempt, startedAt);
    const message = stopped?.error ?? `cannot read the response body: ${fetchErrorMessage(error)}`;
    if (stopped === null) systemLine(log, message);
    return stopped ?? failedResult(startedAt, "error", message);
  }

  const output: AttemptOutput = {
    exitCode: null,
    outputText: withTruncationMarker(body.text, body),
    outputJson: null,
  };
  if (!response.ok) {
    return failedResult(startedAt, "error", statusError(response, body.text), output);
  }
  if (req.definition.output === "json") {
    const parsed = parseJsonOutput(body.text, body);
    if (!parsed.ok) return failedResult(startedAt, "output_parse", parsed.error, output);
    return succeededResult(startedAt, { ...output, outputJson: parsed.json });
  }
  if (isJsonMediaType(response.headers.get("content-type"))) {
    // Only a bonus here: the task did not ask for JSON, so a body that does not parse is still a success.
    const parsed = parseJsonOutput(body.text, body);
    if (parsed.ok) return succeededResult(startedAt, { ...output, outputJson: parsed.json });
  }
  return succeededResult(startedAt, output);
}

async function readBody(response: Response): Promise<CapturedOutput> {
  const capture = new OutputCapture();
  if (response.body !== null) {
    // Read to the end even past the limit: the marker reports the full size, and the timeout bounds it.
    for await (const chunk of response.body) capture.push(chunk);
  }
  capture.end();
  return capture.result();
}

/** `HTTP 503 Service Unavailable: <start of the body>`, on one line. */
function statusError(response: Response, body: string): string {
  const status = response.statusText ? `${response.status} ${response.statusText}` : String(response.status);
  const excerpt = body.replace(/\s+/g, " ").trim().slice(0, ERROR_BODY_CHARS);
  return excerpt ? `HTTP ${status}: ${excerpt}` : `HTTP ${status}`;
}

/** `application/json`, or any `+json` type such as `application/problem+json`. */
function isJsonMediaType(contentType: string | null): boolean {
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  return mediaType === "application/json" || mediaType.endsWith("+json");
}

/**
 * fetch reports every network failure as `TypeError: fetch failed`; the useful part (`connect
 * ECONNREFUSED 127.0.0.1:8080`, `getaddrinfo ENOTFOUND`) is in its cause.
 */
function fetchErrorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof AggregateError) {
    // Connecting to several addresses fails with one error per address and an empty message of its own.
    const first: unknown = cause.errors[0];
    if (first instanceof Error && first.message) return first.message;
  }
  if (cause instanceof Error) {
    if (cause.message) return cause.message;
    if ("code" in cause && typeof cause.code === "string") return cause.code;
  }
  return error.message;
}
