"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef } from "react";
import { useTRPC } from "../../trpc/react.tsx";
import { type StreamState, useEventStream } from "../live/use-event-stream.ts";

const QUEUE_EVENTS = { only: ["task_run", "run"] as ("task_run" | "run")[] };
/** Depth and peek refresh at most this often while task runs change (a busy queue changes every ms). */
const REFRESH_MS = 400;

/**
 * Keeps the Queues page live: every task run change (claims, completions, moves, reschedules, cancels, from
 * any process) refreshes the queue list and the peek, at most every `REFRESH_MS`, from the event stream.
 */
export function useLiveQueues(): StreamState {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshNow = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: trpc.queues.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.queues.peek.pathKey() });
  }, [queryClient, trpc]);
  const refreshSoon = useCallback(() => {
    if (timer.current !== null) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      refreshNow();
    }, REFRESH_MS);
  }, [refreshNow]);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  return useEventStream(QUEUE_EVENTS, refreshSoon, refreshNow);
}
