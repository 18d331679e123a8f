import type { QueueSettings } from "./ports.ts";

/**
 * Queue limits at claim time. A queue without settings is unlimited and not paused. The store reads the
 * settings and the running counts; these functions decide how many more of each queue may start and which
 * candidates (already in claim order) are taken.
 */

/** Room left per configured queue: 0 when paused, `concurrency − running` (never below 0) when limited. */
export function queueRoom(
  queues: readonly QueueSettings[],
  runningIn: (queue: string) => number,
): Map<string, number> {
  const room = new Map<string, number>();
  for (const queue of queues) {
    if (queue.paused) room.set(queue.name, 0);
    else if (queue.concurrency !== null) {
      room.set(queue.name, Math.max(0, queue.concurrency - runningIn(queue.name)));
    }
  }
  return room;
}

/** A claim candidate: its queue and, for a task with a concurrency key, the rendered key and its limit. */
export interface ClaimCandidate {
  queue: string;
  concurrencyKey: string | null;
  /** Most attempts with `concurrencyKey` running at once (the candidate's own limit). */
  concurrencyLimit: number | null;
}

/**
 * Takes candidates in order, up to `limit`, skipping those of queues the worker does not serve, of queues
 * with no room left, and those whose concurrency key already has `concurrencyLimit` attempts running
 * (`keyRunning`, plus the ones taken here). The skipped ones keep their place: they wait, in order.
 * `room` and `keyRunning` are not modified.
 */
export function pickClaimable<T extends ClaimCandidate>(
  candidates: readonly T[],
  input: {
    limit: number;
    room: ReadonlyMap<string, number>;
    allowedQueues: ReadonlySet<string> | null;
    /** Attempts running per concurrency key. Default: none running. */
    keyRunning?: ReadonlyMap<string, number>;
  },
): T[] {
  const room = new Map(input.room);
  const keyRunning = new Map(input.keyRunning ?? []);
  const taken: T[] = [];
  for (const candidate of candidates) {
    if (taken.length >= input.limit) break;
    if (input.allowedQueues && !input.allowedQueues.has(candidate.queue)) continue;
    const key = candidate.concurrencyKey;
    const running = key === null ? 0 : (keyRunning.get(key) ?? 0);
    if (key !== null && running >= (candidate.concurrencyLimit ?? 1)) continue;
    const left = room.get(candidate.queue);
    if (left !== undefined) {
      if (left <= 0) continue;
      room.set(candidate.queue, left - 1);
    }
    if (key !== null) keyRunning.set(key, running + 1);
    taken.push(candidate);
  }
  return taken;
}
