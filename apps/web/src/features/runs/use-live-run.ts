"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { EventRecord } from "@taskloom/core";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { applyRunEvents, needsRefetch } from "../../runs/run-events.ts";
import { useTRPC } from "../../trpc/react.tsx";
import { type StreamState, useEventStream } from "../live/use-event-stream.ts";

/** Refetches of the run's details are spaced at least this far apart, however busy the run is. */
const REFETCH_AFTER_MS = 400;
/** If refetches keep failing, the oldest unconfirmed events go past this many. */
const MAX_PENDING = 20_000;

/**
 * A run kept live from its event stream, without polling: the last fetched run (`runs.get`) with the events
 * received since that fetch started applied on top. Events that carry details the stream does not
 * (attempts, outputs, exit codes) trigger a refetch; once it lands, the events it already reflects are
 * dropped. So the view is never behind the stream, and never loses an event that raced a fetch.
 */
export function useLiveRun(runId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const queryKey = useMemo(() => trpc.runs.get.queryKey({ runId }), [trpc, runId]);
  const run = useQuery(trpc.runs.get.queryOptions({ runId }));
  const [pending, setPending] = useState<EventRecord[]>([]);
  const lastDelivered = useRef(0);
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refetchSeq = useRef(0);

  const refetchRun = useCallback(async () => {
    // Everything delivered before this point was committed before the read below: the fetch reflects it.
    const cutoff = lastDelivered.current;
    const seq = ++refetchSeq.current;
    await queryClient.refetchQueries({ queryKey, exact: true });
    const state = queryClient.getQueryState(queryKey);
    if (seq !== refetchSeq.current || state?.status !== "success") return;
    setPending((events) => (events.length === 0 ? events : events.filter((event) => event.id > cutoff)));
  }, [queryClient, queryKey]);

  const scheduleRefetch = useCallback(() => {
    if (refetchTimer.current !== null) return;
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = null;
      void refetchRun();
    }, REFETCH_AFTER_MS);
  }, [refetchRun]);

  useEffect(
    () => () => {
      if (refetchTimer.current !== null) clearTimeout(refetchTimer.current);
    },
    [],
  );

  const onEvents = useCallback(
    (events: EventRecord[]) => {
      for (const event of events) lastDelivered.current = Math.max(lastDelivered.current, event.id);
      setPending((current) => {
        const next = current.concat(events);
        return next.length > MAX_PENDING ? next.slice(next.length - MAX_PENDING) : next;
      });
      if (needsRefetch(events)) scheduleRefetch();
    },
    [scheduleRefetch],
  );

  // On (re)connect the stream starts at "now": refetch, to catch up on what happened before it.
  const stream: StreamState = useEventStream({ runId }, onEvents, scheduleRefetch);

  const live = useMemo(
    () => (run.data === undefined ? undefined : applyRunEvents(run.data, runId, pending)),
    [run.data, runId, pending],
  );

  return { run, live, stream, refetchRun: scheduleRefetch };
}
