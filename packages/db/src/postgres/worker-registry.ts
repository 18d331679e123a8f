import { isWorkerDead, type WorkerRegistration } from "@taskloom/core";
import type { LeaseClock } from "./lease-clock.ts";
import { at, epochMs, type Queryable } from "./transaction.ts";

/** The worker registry (the PostgreSQL twin of sqlite/worker-registry.ts): for lease recovery and the dashboard. */
export async function registerWorker(client: Queryable, worker: WorkerRegistration): Promise<void> {
  await client.query(
    `INSERT INTO workers (id, host, pid, queues_json, handlers_json, concurrency, started_at, heartbeat_at)
     VALUES ($1, $2, $3, $4, $7, $5, $6, $6)
     ON CONFLICT (id) DO UPDATE SET heartbeat_at = $6, stopped_at = NULL, handlers_json = $7`,
    [
      worker.id,
      worker.host,
      worker.pid,
      JSON.stringify(worker.queues),
      worker.concurrency,
      at(worker.now),
      JSON.stringify(worker.handlers ?? []),
    ],
  );
}

export async function heartbeatWorker(client: Queryable, workerId: string, now: number): Promise<void> {
  await client.query("UPDATE workers SET heartbeat_at = $1 WHERE id = $2", [at(now), workerId]);
}

export async function stopWorker(client: Queryable, workerId: string, now: number): Promise<void> {
  await client.query("UPDATE workers SET stopped_at = $1, heartbeat_at = $1 WHERE id = $2", [
    at(now),
    workerId,
  ]);
}

/**
 * Workers that still hold leases and are dead by core's `isWorkerDead`: on `host` with their process gone
 * (found without waiting for their leases to expire), or stale. With the `caller` lease clock a worker is stale
 * when its heartbeat is older than `staleBefore`, as on SQLite; with the `database` clock, when it holds a
 * lease that has expired by the database clock (heartbeats are stamped by each host's own clock, so comparing
 * them with this host's `staleBefore` would let a host whose clock runs ahead declare live workers dead).
 */
export async function findDeadWorkers(
  client: Queryable,
  leaseClock: LeaseClock,
  input: { staleBefore: number; host: string; isPidAlive(pid: number, since: number): boolean },
): Promise<string[]> {
  const { rows } = await client.query<{
    id: string;
    host: string;
    pid: number;
    started_at: Date;
    heartbeat_at: Date;
    expired: boolean;
  }>(
    `SELECT w.id, w.host, w.pid, w.started_at, w.heartbeat_at,
            EXISTS (SELECT 1 FROM task_runs t WHERE t.status = 'running' AND t.lease_owner = w.id
                       AND t.lease_expires_at < clock_timestamp()) AS expired
       FROM workers w
      WHERE EXISTS (SELECT 1 FROM task_runs t WHERE t.status = 'running' AND t.lease_owner = w.id)
      ORDER BY w.id COLLATE "C"`,
  );
  return rows
    .filter((w) => {
      const heartbeatAt = epochMs(w.heartbeat_at);
      const stale = leaseClock === "database" ? w.expired : heartbeatAt < input.staleBefore;
      return isWorkerDead(
        { id: w.id, host: w.host, pid: w.pid, startedAt: epochMs(w.started_at), heartbeatAt },
        { ...input, staleBefore: stale ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY },
      );
    })
    .map((w) => w.id);
}
