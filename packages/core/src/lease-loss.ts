/**
 * What happens to a task run whose lease was lost, and when a worker counts as dead. A lease is lost when it
 * expires (its worker stopped heartbeating: dead, hung or cut off) or when its worker is known to be dead
 * (same host, process gone). Losing a lease is not a failure of the task: it goes back to `ready` without
 * using a retry. A task that keeps killing its workers would loop for ever, so a separate cap ends it.
 */

/** Lost leases in a row after which a task run fails with reason `lost`. */
export const DEFAULT_MAX_LOST_LEASES = 3;

export type LostLeaseDecision =
  | { to: "ready"; lostInARow: number }
  | { to: "failed"; reason: "lost"; lostInARow: number; error: string };

/**
 * `lostBefore`: consecutive lost leases of this task run immediately before this one (see
 * `consecutiveLostLeases`). `maxLostLeases` ≥ 1; the `maxLostLeases`-th loss in a row fails the task run.
 */
export function decideLostLease(input: { lostBefore: number; maxLostLeases: number }): LostLeaseDecision {
  const lostInARow = input.lostBefore + 1;
  if (lostInARow < input.maxLostLeases) return { to: "ready", lostInARow };
  return {
    to: "failed",
    reason: "lost",
    lostInARow,
    error: `lost its worker ${lostInARow} times in a row (limit ${input.maxLostLeases}); not retried again`,
  };
}

/**
 * How many of the latest attempts, newest first, ended with a lost lease before anything else happened.
 * Any attempt that ended otherwise (a failure that was retried) ends the streak.
 */
export function consecutiveLostLeases(reasonsNewestFirst: readonly (string | null)[]): number {
  let count = 0;
  for (const reason of reasonsNewestFirst) {
    if (reason !== "lost") break;
    count++;
  }
  return count;
}

export interface RegisteredWorker {
  id: string;
  host: string;
  pid: number;
  /** When the worker registered, epoch ms. */
  startedAt: number;
  /** Last worker heartbeat, epoch ms. */
  heartbeatAt: number;
}

/**
 * A worker is dead when its heartbeat is older than `staleBefore` (any host), or when it ran on this host and
 * its process is gone. `isPidAlive(pid, since)` must answer for the process that was running at `since` (the
 * worker's registration), so a pid reused by a newer process does not keep a dead worker alive.
 */
export function isWorkerDead(
  worker: RegisteredWorker,
  here: { staleBefore: number; host: string; isPidAlive(pid: number, since: number): boolean },
): boolean {
  if (worker.heartbeatAt < here.staleBefore) return true;
  return worker.host === here.host && !here.isPidAlive(worker.pid, worker.startedAt);
}
