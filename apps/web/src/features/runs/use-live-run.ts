"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { EventRecord } from "@taskloom/core";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { touchesAuditTrail } from "../../runs/audit-events.ts";
import { applyRunEvents, cannotApply, detailsChangedBy } from "../../runs/run-events.ts";
import { useTRPC } from "../../trpc/react.tsx";
import { type StreamState, useEventStream } from "../live/use-event-stream.ts";

/** Refetches of the run's details are spaced at least this far apart, however busy the run is. */
const REFETCH_AFTER_MS = 400;

/**
 * A run kept live from its event stream, without polling: the cached run (`runs.get`) with every event
 * applied to it as it arrives (statuses, times, attempts, errors). The whole run is refetched only when the
 * stream (re)connects, having missed events, or when an event cannot be applied; the outputs and exit code
 * of a task that finished are fetched when the details panel shows it (`needDetails`). Events that arrive
 * while a refetch is in flight are applied again on top of its answer, so none is lost to the race. An
 * operator action on the run (from anywhere) refreshes its audit trail (`taskRuns.auditTrail`).
 */
export function useLiveRun(runId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const options = useMemo(() => trpc.runs.get.queryOptions({ runId }), [trpc, runId]);
  const queryKey = options.queryKey;
  const run = useQuery(options);
  const lastDelivered = useRef(0);
  /** Events delivered since the refetch in flight started (null when none is). */
  const inFlight = useRef<EventRecord[] | null>(null);
  /** Tasks whose outputs, exit code or attempt history the cache lacks, with the event that said so. */
  const staleDetails = useRef(new Map<string, number>());
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshAuditTrail = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: trpc.taskRuns.auditTrail.queryKey({ runId }) }),
    [queryClient, trpc, runId],
  );

  const refetchRun = useCallback(async () => {
    // Everything delivered before this point was committed before the read below: the answer reflects it.
    const cutoff = lastDelivered.current;
    const since: EventRecord[] = [];
    inFlight.current = since;
    try {
      const fresh = await queryClient.fetchQuery({ ...options, staleTime: 0 });
      queryClient.setQueryData(queryKey, applyRunEvents(fresh, runId, since));
      for (const [key, eventId] of staleDetails.current) {
        if (eventId <= cutoff) staleDetails.current.delete(key);
      }
    } catch {
      // The query shows its error; the events applied so far stay.
    } finally {
      if (inFlight.current === since) inFlight.current = null;
    }
  }, [queryClient, options, queryKey, runId]);

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
      inFlight.current?.push(...events);
      for (const [key, eventId] of detailsChangedBy(runId, events)) staleDetails.current.set(key, eventId);
      if (touchesAuditTrail(runId, events)) refreshAuditTrail();
      const cached = queryClient.getQueryData(queryKey);
      if (cached === undefined || cannotApply(cached, runId, events)) {
        scheduleRefetch();
        return;
      }
      queryClient.setQueryData(queryKey, applyRunEvents(cached, runId, events));
    },
    [queryClient, queryKey, runId, scheduleRefetch, refreshAuditTrail],
  );

  /** The details panel shows `taskKey`: fetch its outputs and exit code if an event made them stale. */
  const needDetails = useCallback(
    (taskKey: string) => {
      if (staleDetails.current.has(taskKey)) scheduleRefetch();
    },
    [scheduleRefetch],
  );

  // On (re)connect the stream starts at "now": refetch, to catch up on what happened before it.
  const onConnected = useCallback(() => {
    scheduleRefetch();
    refreshAuditTrail();
  }, [scheduleRefetch, refreshAuditTrail]);
  const stream: StreamState = useEventStream({ runId }, onEvents, onConnected);

  return { run, live: run.data, stream, refetchRun: scheduleRefetch, needDetails };
}
