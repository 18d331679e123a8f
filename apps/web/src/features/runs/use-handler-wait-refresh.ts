"use client";

import { useEffect } from "react";

/** How often the run is read again while a function task is ready, in ms. */
const REFRESH_MS = 2000;

/**
 * Whether a ready function task waits for a worker with its handler (`waitingFor`) is not an event: it
 * changes when a worker starts or stops, and is computed when the run is read. So while some function task
 * of the run is ready, the run is read again every 2 s, and the task panel's message comes and goes with it.
 */
export function useHandlerWaitRefresh(
  run: { tasks: readonly { kind: string; status: string }[] } | undefined,
  refetch: () => void,
): void {
  const waiting = run?.tasks.some((task) => task.kind === "function" && task.status === "ready") ?? false;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(refetch, REFRESH_MS);
    return () => clearInterval(timer);
  }, [waiting, refetch]);
}
