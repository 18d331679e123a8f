import type { WorkerView } from "./read-model.ts";

/**
 * A registered worker whose heartbeat is older than this is reported lost, in ms. It is the default lease: a
 * worker silent that long has let its leases expire, and other workers take its tasks back.
 */
export const WORKER_LOST_AFTER_MS = 30_000;

/**
 * How long the worker registry keeps a worker after it was last seen (stopped, or lost), in ms: 24 hours, long
 * enough to see on the Workers page what was running overnight. Workers prune it as part of their housekeeping.
 */
export const DEFAULT_WORKER_RETENTION_MS = 24 * 60 * 60 * 1000;

/** `alive` while its heartbeat is recent, `lost` once it is older than `lostAfterMs`. */
export type WorkerState = "alive" | "lost";

/** A worker as the Workers page and the health check show it. */
export interface WorkerStatus extends WorkerView {
  state: WorkerState;
}

export function workerState(
  worker: Pick<WorkerView, "heartbeatAt">,
  now: number,
  lostAfterMs = WORKER_LOST_AFTER_MS,
): WorkerState {
  return now - worker.heartbeatAt <= lostAfterMs ? "alive" : "lost";
}
