"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { useTRPC } from "../../trpc/react.tsx";
import { type StreamState, useEventStream } from "./use-event-stream.ts";

const LIST_EVENTS = { only: ["run", "plan"] as ("run" | "plan")[] };

/**
 * Keeps the Runs and Plans lists live: a run started anywhere (another tab, the CLI, the API), a run that
 * finishes and a plan edited elsewhere refresh them, from the event stream (run and plan events only, not
 * every task's), never from a timer. A reconnect refreshes too: what happened meanwhile is not in the stream.
 */
export function useLiveLists(): StreamState {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = useCallback(() => {
    // Path keys: every page of the infinite runs list and every filter of it.
    void queryClient.invalidateQueries({ queryKey: trpc.runs.list.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.plans.list.pathKey() });
  }, [queryClient, trpc]);
  return useEventStream(LIST_EVENTS, refresh, refresh);
}
