import fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { EventRecord } from "@taskloom/core";
import { Taskloom } from "@taskloom/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventFanout } from "./event-fanout.ts";
import { EVENT_STREAM_PATH, handleEventStream, parseEventStreamRequest } from "./event-stream-route.ts";

const TOKEN = "a-token-of-thirty-two-characters-at-least";
const PLAN = { plan: "demo", tasks: { a: { kind: "noop" }, b: { kind: "noop", requires: ["a"] } } };

let dir: string;
let taskloom: Taskloom;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-event-stream-"));
  taskloom = await Taskloom.open({ databaseUrl: `file:${path.join(dir, "t.db")}`, cwd: dir, pollMs: 50 });
  const fanout = new EventFanout({ feed: (listener, filter) => taskloom.subscribe(listener, filter) });
  server = createServer((req, res) => {
    void handleEventStream(req, res, {
      authToken: TOKEN,
      host: "127.0.0.1",
      fanout: async () => fanout,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${EVENT_STREAM_PATH}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await taskloom.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };

/** Reads SSE messages from `url` until `count` events have arrived. */
async function readEvents(
  url: string,
  count: number,
  headers: Record<string, string> = {},
): Promise<{ id: number; events: EventRecord[] }[]> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { ...auth, ...headers }, signal: controller.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const messages = () =>
    [...text.matchAll(/^id: (\d+)\ndata: (.*)$/gm)].map((m) => ({
      id: Number(m[1]),
      events: (JSON.parse(m[2] ?? "{}") as { events: EventRecord[] }).events,
    }));
  while (reader && messages().flatMap((m) => m.events).length < count) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  controller.abort();
  return messages();
}

async function finishedRun(): Promise<{ runId: string; events: EventRecord[] }> {
  await taskloom.importPlanSource(PLAN);
  const { runId } = await taskloom.startRun("demo");
  await taskloom.executeRun(runId, { pollMs: 20 });
  return { runId, events: await taskloom.store.readEvents({ afterId: 0, runId, limit: 1000 }) };
}

describe("GET /api/v1/events", () => {
  it("streams one run's events after lastEventId, each message tagged with its last event's id", async () => {
    const { runId, events } = await finishedRun();
    await finishedRun(); // another run's events must not show up
    const from = events[0]?.id ?? 0;
    const expected = events.filter((event) => event.id > from).map((event) => event.id);
    const messages = await readEvents(`${base}?runId=${runId}&lastEventId=${from}`, expected.length);
    expect(messages.flatMap((m) => m.events.map((event) => event.id))).toEqual(expected);
    for (const message of messages) expect(message.id).toBe(message.events.at(-1)?.id);
  });

  it("resumes from the Last-Event-ID header an EventSource sends when it reconnects", async () => {
    const { runId, events } = await finishedRun();
    const resumeAfter = events[1]?.id ?? 0;
    const expected = events.filter((event) => event.id > resumeAfter).map((event) => event.id);
    const messages = await readEvents(`${base}?runId=${runId}&lastEventId=0`, expected.length, {
      "last-event-id": String(resumeAfter),
    });
    expect(messages.flatMap((m) => m.events.map((event) => event.id))).toEqual(expected);
  });

  it("streams only the kinds asked for", async () => {
    const { runId, events } = await finishedRun();
    const runEvents = events.filter((event) => event.type.startsWith("run."));
    const messages = await readEvents(`${base}?runId=${runId}&only=run&lastEventId=0`, runEvents.length);
    expect(messages.flatMap((m) => m.events.map((event) => event.type))).toEqual(
      runEvents.map((event) => event.type),
    );
  });

  it("refuses a request without the token", async () => {
    const response = await fetch(`${base}?lastEventId=0`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "unauthorized: sign in with the Taskloom token" });
  });

  it("answers a bad query with 400 and what is wrong", async () => {
    for (const query of ["lastEventId=abc", "only=run,everything", "runId=", "nonsense=1"]) {
      const response = await fetch(`${base}?${query}`, { headers: auth });
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/^bad /);
    }
  });

  it("refuses other methods", async () => {
    const response = await fetch(base, { method: "POST", headers: auth });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });
});

describe("parseEventStreamRequest", () => {
  const url = (query: string) => new URL(`http://x${EVENT_STREAM_PATH}?${query}`);

  it("reads the filter, with Last-Event-ID over the query's lastEventId", () => {
    expect(parseEventStreamRequest(url("planSlug=demo&only=run,plan&lastEventId=4"), "9")).toEqual({
      ok: true,
      filter: { planSlug: "demo", only: ["run", "plan"], lastEventId: 9 },
    });
  });

  it("refuses a Last-Event-ID that is not an event id", () => {
    expect(parseEventStreamRequest(url("runId=r"), "x")).toEqual({
      ok: false,
      error: "bad Last-Event-ID: must be an event id (digits)",
    });
  });
});
