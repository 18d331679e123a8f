import type { WorkerRegistration } from "@taskloom/core";
import { at, epochMs, type Queryable } from "./transaction.ts";

/** The worker registry (the PostgreSQL twin of sqlite/worker-registry.ts): for lease recovery and the dashboard. */
export async function registerWorker(client: Queryable, worker: WorkerRegistration): Promise<void> {
  await client.query(
    `INSERT INTO workers (id, host, pid, queues_json, concurrency, started_at, heartbeat_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6)
     ON CONFLICT (id) DO UPDATE SET heartbeat_at = $6, stopped_at = NULL`,
    [worker.id, worker.host, worker.pid, JSON.stringify(worker.queues), worker.concurrency, at(worker.now)],
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
 * Workers that still hold leases and are dead: their heartbeat is older than `staleBefore`, or they ran on
 * `host` with a pid that is gone (found without waiting for their leases to expire).
 */
export async function findDeadWorkers(
  client: Queryable,
  input: { staleBefore: number; host: string; isPidAlive(pid: number): boolean },
): Promise<string[]> {
  const { rows } = await client.query<{ id: string; host: string; pid: number; heartbeat_at: Date }>(
    `SELECT w.id, w.host, w.pid, w.heartbeat_at FROM workers w
      WHERE EXISTS (SELECT 1 FROM task_runs t WHERE t.status = 'running' AND t.lease_owner = w.id)
      ORDER BY w.id COLLATE "C"`,
  );
  return rows
    .filter(
      (w) =>
        epochMs(w.heartbeat_at) < input.staleBefore || (w.host === input.host && !input.isPidAlive(w.pid)),
    )
    .map((w) => w.id);
}
