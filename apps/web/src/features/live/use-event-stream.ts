"use client";

import type { EventRecord } from "@taskloom/core";
import { useEffect, useRef, useState } from "react";
import { createFrameBatcher, type FrameBatcher } from "../../graph/frame-batcher.ts";

export type StreamState = "connecting" | "live" | "reconnecting" | "off";

type EventKind = "run" | "task_run" | "plan";
export type EventStreamFilter = { runId: string } | { planSlug: string } | { only: EventKind[] };

/** The server entry's SSE endpoint (apps/web/src/server/event-stream-route.ts). */
const STREAM_PATH = "/api/v1/events";
/**
 * After the server refused the stream (it restarted without the database, the token changed), how long
 * to wait before asking again, ms. Dropped connections are retried by EventSource itself (after the
 * `retry:` the server sets, 1 s).
 */
const REOPEN_MS = 2000;

/** The stream's URL for `filter`, resuming after `lastEventId` when given. */
export function eventStreamUrl(filter: EventStreamFilter, lastEventId: string | null): string {
  const query = new URLSearchParams();
  if ("runId" in filter) query.set("runId", filter.runId);
  if ("planSlug" in filter) query.set("planSlug", filter.planSlug);
  if ("only" in filter) query.set("only", filter.only.join(","));
  if (lastEventId !== null) query.set("lastEventId", lastEventId);
  return `${STREAM_PATH}?${query}`;
}

/**
 * Follows the engine's event stream (SSE, resumable: a reconnect sends the last event id and misses
 * nothing) and hands the events over in batches, at most once per animation frame.
 */
export function useEventStream(
  filter: EventStreamFilter | null,
  onEvents: (events: EventRecord[]) => void,
  /** Called when the stream is (re)connected: what happened while it was not is not in it. */
  onConnected?: () => void,
): StreamState {
  const handler = useRef(onEvents);
  const connectedHandler = useRef(onConnected);
  useEffect(() => {
    handler.current = onEvents;
    connectedHandler.current = onConnected;
  });

  const batcher = useRef<FrameBatcher<EventRecord> | null>(null);
  useEffect(() => {
    const created = createFrameBatcher<EventRecord>((events) => handler.current(events));
    batcher.current = created;
    return () => {
      created.flush();
      created.dispose();
      batcher.current = null;
    };
  }, []);

  // The filter as a value: callers pass a new object on every render.
  const url = filter === null ? null : eventStreamUrl(filter, null);
  const [state, setState] = useState<Exclude<StreamState, "off">>("connecting");
  useEffect(() => {
    if (url === null) return;
    let source: EventSource | null = null;
    let reopenTimer: ReturnType<typeof setTimeout> | null = null;
    let lastEventId: string | null = null;
    let everConnected = false;
    setState("connecting");
    const open = () => {
      // EventSource resumes by itself (Last-Event-ID) after a dropped connection; a new one is told here.
      const target = new URL(url, window.location.href);
      if (lastEventId !== null) target.searchParams.set("lastEventId", lastEventId);
      const opened = new EventSource(target);
      source = opened;
      opened.onopen = () => {
        everConnected = true;
        setState("live");
        connectedHandler.current?.();
      };
      opened.onmessage = (message: MessageEvent<string>) => {
        if (message.lastEventId !== "") lastEventId = message.lastEventId;
        const { events } = JSON.parse(message.data) as { events: EventRecord[] };
        for (const event of events) batcher.current?.push(event);
      };
      opened.onerror = () => {
        setState(everConnected ? "reconnecting" : "connecting");
        if (opened.readyState !== EventSource.CLOSED) return;
        // Refused (not a dropped connection): EventSource gives up, so try again later.
        reopenTimer = setTimeout(open, REOPEN_MS);
      };
    };
    open();
    return () => {
      if (reopenTimer !== null) clearTimeout(reopenTimer);
      source?.close();
    };
  }, [url]);

  return url === null ? "off" : state;
}
