import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { EVENT_KINDS, type EventFanout } from "./event-fanout.ts";
import { isAllowedHost, isAuthorized } from "./request-access.ts";

/**
 * `GET /api/v1/events`: the event stream as plain server-sent events, answered by the server entry itself
 * (not by Next), from one `EventFanout` per process. The dashboard's tabs read it with `EventSource`.
 *
 *   ?runId=RUN | ?planSlug=SLUG     only that run's / that plan's events (default: all)
 *   &only=run,plan                  only these kinds of events (default: all)
 *   &lastEventId=N                  resume after event N; a `Last-Event-ID` header (what EventSource sends
 *                                   when it reconnects) takes precedence
 *
 * Each message is `{"events":[...]}` (at most 200 events, in id order) with `id:` the last one's id. The
 * same rules as every other route: the Host check without a token, then the token (cookie or Bearer).
 */
export const EVENT_STREAM_PATH = "/api/v1/events";

/** Bytes queued on a connection beyond which it is paused until it drains (see event-fanout.ts). */
const HIGH_WATER_BYTES = 1024 * 1024;
/** What EventSource waits before reconnecting after the connection drops, ms. */
const RETRY_MS = 1000;

const eventId = z
  .string()
  .regex(/^\d{1,15}$/, "must be an event id (digits)")
  .transform(Number);

const querySchema = z
  .object({
    runId: z.string().min(1).max(128).optional(),
    planSlug: z.string().min(1).max(64).optional(),
    only: z
      .string()
      .transform((list) => list.split(","))
      .pipe(z.array(z.enum(EVENT_KINDS)).min(1).max(EVENT_KINDS.length))
      .optional(),
    lastEventId: eventId.optional(),
  })
  .strict();

export interface EventStreamRouteOptions {
  /** The configured token; undefined: no token (loopback only, by the gate). */
  authToken: string | undefined;
  /** The host the server binds, for the Host check. */
  host: string;
  /** The process's fan-out (opened on the first request). */
  fanout: () => Promise<EventFanout>;
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

function refuse(
  res: ServerResponse,
  status: number,
  error: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...extra });
  res.end(JSON.stringify({ error }));
}

/** Parses the query and the `Last-Event-ID` header; a message naming the problem when they are bad. */
export function parseEventStreamRequest(
  url: URL,
  lastEventIdHeader: string | undefined,
): { ok: true; filter: z.infer<typeof querySchema> } | { ok: false; error: string } {
  const query = querySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) {
    const issue = query.error.issues[0];
    const where = issue?.path.join(".") || "query";
    return { ok: false, error: `bad ${where}: ${issue?.message ?? "invalid"}` };
  }
  if (lastEventIdHeader === undefined || lastEventIdHeader === "") return { ok: true, filter: query.data };
  const header = eventId.safeParse(lastEventIdHeader);
  if (!header.success) return { ok: false, error: "bad Last-Event-ID: must be an event id (digits)" };
  return { ok: true, filter: { ...query.data, lastEventId: header.data } };
}

/** Answers one request for the event stream; resolves once the stream is set up (or refused). */
export async function handleEventStream(
  req: IncomingMessage,
  res: ServerResponse,
  options: EventStreamRouteOptions,
): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    refuse(res, 405, "the event stream is read with GET", { allow: "GET, HEAD" });
    return;
  }
  const headers = headersOf(req);
  if (!isAllowedHost(headers, options.host, options.authToken)) {
    res.writeHead(421, { "content-type": "text/plain; charset=utf-8" });
    res.end("Unknown host. Open Taskloom through 127.0.0.1 or localhost.");
    return;
  }
  if (!isAuthorized(headers, options.authToken)) {
    refuse(res, 401, "unauthorized: sign in with the Taskloom token");
    return;
  }
  const lastEventIdHeader = req.headers["last-event-id"];
  const parsed = parseEventStreamRequest(
    new URL(req.url ?? "/", "http://taskloom.invalid"),
    Array.isArray(lastEventIdHeader) ? lastEventIdHeader[0] : lastEventIdHeader,
  );
  if (!parsed.ok) {
    refuse(res, 400, parsed.error);
    return;
  }
  let fanout: EventFanout;
  try {
    fanout = await options.fanout();
  } catch (error) {
    console.error("the event stream cannot open the database:", error);
    refuse(res, 503, "the database is not available");
    return;
  }
  if (res.destroyed) return;

  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    // Proxies that buffer responses (nginx) would hold events back.
    "x-accel-buffering": "no",
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  req.socket.setNoDelay(true);
  res.write(`retry: ${RETRY_MS}\n\n`);
  const { lastEventId, ...filter } = parsed.filter;
  const detach = fanout.attach(
    {
      write: (frame) => {
        // Not `write`'s own answer: that turns false past 16 KiB, which one large batch reaches.
        res.write(frame);
        return res.writableLength <= HIGH_WATER_BYTES;
      },
      onceDrained: (callback) => res.once("drain", callback),
    },
    filter,
    lastEventId,
  );
  res.once("close", detach);
}
