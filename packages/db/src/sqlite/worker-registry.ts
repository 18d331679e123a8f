import { isWorkerDead, type WorkerRegistration } from "@taskloom/core";
import type { SqliteDatabase } from "./open-sqlite-database.ts";

export interface WorkerRegistry {
  register(worker: WorkerRegistration): void;
  heartbeat(workerId: string, now: number): void;
  stop(workerId: string, now: number): void;
  findDead(input: {
    staleBefore: number;
    host: string;
    isPidAlive(pid: number, since: number): boolean;
  }): string[];
}

export function prepareWorkerRegistry(db: SqliteDatabase): WorkerRegistry {
  const upsert = db.prepare(
    `INSERT INTO workers (id, host, pid, queues_json, handlers_json, concurrency, started_at, heartbeat_at)
     VALUES (@id, @host, @pid, @queues, @handlers, @concurrency, @now, @now)
     ON CONFLICT(id) DO UPDATE SET heartbeat_at = @now, stopped_at = NULL, handlers_json = @handlers`,
  );
  const beat = db.prepare("UPDATE workers SET heartbeat_at = ? WHERE id = ?");
  const stop = db.prepare("UPDATE workers SET stopped_at = ?, heartbeat_at = ? WHERE id = ?");
  const holdingLeases = db.prepare<
    [],
    { id: string; host: string; pid: number; started_at: number; heartbeat_at: number }
  >(
    `SELECT w.id, w.host, w.pid, w.started_at, w.heartbeat_at FROM workers w
      WHERE EXISTS (SELECT 1 FROM task_runs t WHERE t.status = 'running' AND t.lease_owner = w.id)`,
  );
  return {
    register(worker) {
      upsert.run({
        id: worker.id,
        host: worker.host,
        pid: worker.pid,
        queues: JSON.stringify(worker.queues),
        handlers: JSON.stringify(worker.handlers ?? []),
        concurrency: worker.concurrency,
        now: worker.now,
      });
    },
    heartbeat(workerId, now) {
      beat.run(now, workerId);
    },
    stop(workerId, now) {
      stop.run(now, now, workerId);
    },
    findDead(here) {
      // Only workers that still hold leases matter. One on this host whose process is gone is dead now,
      // without waiting for its leases to expire: that is what makes `run --resume` right after kill -9 fast.
      return holdingLeases
        .all()
        .filter((w) =>
          isWorkerDead(
            { id: w.id, host: w.host, pid: w.pid, startedAt: w.started_at, heartbeatAt: w.heartbeat_at },
            here,
          ),
        )
        .map((w) => w.id);
    },
  };
}
