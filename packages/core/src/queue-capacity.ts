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

/**
 * Takes candidates in order, up to `limit`, skipping those of queues the worker does not serve and of queues
 * with no room left. `room` is not modified.
 */
export function pickClaimable<T extends { queue: string }>(
  candidates: readonly T[],
  input: { limit: number; room: ReadonlyMap<string, number>; allowedQueues: ReadonlySet<string> | null },
): T[] {
  const room = new Map(input.room);
  const taken: T[] = [];
  for (const candidate of candidates) {
    if (taken.length >= input.limit) break;
    if (input.allowedQueues && !input.allowedQueues.has(candidate.queue)) continue;
    const left = room.get(candidate.queue);
    if (left !== undefined) {
      if (left <= 0) continue;
      room.set(candidate.queue, left - 1);
    }
    taken.push(candidate);
  }
  return taken;
}
