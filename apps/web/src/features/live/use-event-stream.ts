"use client";

import { skipToken } from "@tanstack/react-query";
import type { EventRecord } from "@taskloom/core";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef, useState } from "react";
import { createFrameBatcher, type FrameBatcher } from "../../graph/frame-batcher.ts";
import { useTRPC } from "../../trpc/react.tsx";

export type StreamState = "connecting" | "live" | "reconnecting" | "off";

/**
 * Follows the engine's event stream (SSE, resumable: a reconnect sends the last event id and misses
 * nothing) and hands the events over in batches, at most once per animation frame.
 */
export function useEventStream(
  filter: { runId: string } | { planSlug: string } | { only: ("run" | "task_run" | "plan")[] } | null,
  onEvents: (events: EventRecord[]) => void,
  /** Called when the stream is (re)connected: what happened while it was not is not in it. */
  onConnected?: () => void,
): StreamState {
  const trpc = useTRPC();
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

  const [everConnected, setEverConnected] = useState(false);
  const subscription = useSubscription(
    trpc.events.subscribe.subscriptionOptions(filter ?? skipToken, {
      onStarted: () => {
        setEverConnected(true);
        connectedHandler.current?.();
      },
      onData: (tracked) => {
        for (const event of tracked.data.events) batcher.current?.push(event);
      },
    }),
  );

  if (filter === null) return "off";
  if (subscription.status === "pending") return "live";
  return everConnected ? "reconnecting" : "connecting";
}
