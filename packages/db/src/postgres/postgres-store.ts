import {
  type AttemptResult,
  type ClaimedTaskRun,
  type ClaimInput,
  type CompletionBatchResult,
  type CreatedRun,
  type CreateRunInput,
  type EventRecord,
  type EventStore,
  type ImportPlanOptions,
  type ImportPlanResult,
  type LogChunkInput,
  NotFoundError,
  type PlanDefinition,
  type QueueSettings,
  type QueueStore,
  type RunStatus,
  type RunStore,
  type SchedulerStore,
  TaskloomError,
  type WorkerRegistration,
} from "@taskloom/core";
import type pg from "pg";
import type { NewId } from "../sqlite/import-plan.ts";
import { defaultNewId } from "../sqlite/sqlite-store.ts";
import { appendLogChunks } from "./append-log-chunks.ts";
import { createRun } from "./create-run.ts";
import { importPlan, placeTasks } from "./import-plan.ts";
import { configureQueue, listQueues } from "./queue-settings.ts";
import { lastEventId, readEvents } from "./read-events.ts";
import { requestCancel } from "./request-cancel.ts";
import { retryTaskRun } from "./retry-task-run.ts";
import { epochMs, withTransaction } from "./transaction.ts";
import { findDeadWorkers, heartbeatWorker, registerWorker, stopWorker } from "./worker-registry.ts";

/** Thrown by the hot-path operations until they are written for PostgreSQL. */
export class NotImplementedOnPostgresError extends TaskloomError {
  constructor(operation: string) {
    super("DATABASE", `${operation} is not implemented on PostgreSQL yet; use a file: (SQLite) database`);
  }
}

/**
 * The PostgreSQL implementation of the storage ports, over one `pg.Pool` (which it owns: `close()` ends it).
 * Every operation that writes runs in one transaction on one pooled connection (see the one-file-per-operation
 * modules beside this one), with the same rows and the same events as the SQLite store for the same calls.
 *
 * Not complete yet: the hot path (claim, complete, lease heartbeat, lease reclaim, release) throws
 * `NotImplementedOnPostgresError`, which is why `openDatabase` still refuses PostgreSQL URLs. `onChange` only
 * hears this process's commits, as on SQLite; other hosts' commits will arrive by LISTEN/NOTIFY with the hot path.
 */
export class PostgresStore implements SchedulerStore, RunStore, EventStore, QueueStore {
  readonly pool: pg.Pool;
  readonly #newId: NewId;
  readonly #listeners = new Set<() => void>();
  #closed = false;

  constructor(pool: pg.Pool, options: { newId?: NewId } = {}) {
    this.pool = pool;
    this.#newId = options.newId ?? defaultNewId;
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async claimTaskRuns(_input: ClaimInput): Promise<ClaimedTaskRun[]> {
    throw new NotImplementedOnPostgresError("claimTaskRuns");
  }

  async completeTaskRuns(_results: AttemptResult[], _now: number): Promise<CompletionBatchResult> {
    throw new NotImplementedOnPostgresError("completeTaskRuns");
  }

  async heartbeat(
    _workerId: string,
    _taskRunIds: number[],
    _leaseMs: number,
    _now: number,
  ): Promise<number[]> {
    throw new NotImplementedOnPostgresError("heartbeat");
  }

  async reclaimExpiredLeases(
    _now: number,
    _opts?: { runId?: string; deadWorkerIds?: string[] },
  ): Promise<number> {
    throw new NotImplementedOnPostgresError("reclaimExpiredLeases");
  }

  async releaseTaskRuns(_workerId: string, _taskRunIds: number[], _now: number): Promise<void> {
    throw new NotImplementedOnPostgresError("releaseTaskRuns");
  }

  async nextAvailableAt(now: number, runId?: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ at: Date | null }>(
      `SELECT min(available_at) AS at FROM task_runs
        WHERE status = 'retrying' AND available_at > $1 AND ($2::text IS NULL OR run_id = $2)`,
      [new Date(now), runId ?? null],
    );
    const next = rows[0]?.at;
    return next ? epochMs(next) : null;
  }

  async cancelRequested(taskRunIds: number[]): Promise<number[]> {
    if (taskRunIds.length === 0) return [];
    const { rows } = await this.pool.query<{ id: number }>(
      `SELECT t.id FROM task_runs t JOIN runs r ON r.id = t.run_id
        WHERE t.id = ANY($1::int[]) AND r.cancel_requested_at IS NOT NULL ORDER BY t.id`,
      [taskRunIds],
    );
    return rows.map((row) => row.id);
  }

  async appendLogs(chunks: LogChunkInput[]): Promise<void> {
    if (chunks.length > 0) await withTransaction(this.pool, (client) => appendLogChunks(client, chunks));
  }

  async registerWorker(worker: WorkerRegistration): Promise<void> {
    await registerWorker(this.pool, worker);
  }

  async heartbeatWorker(workerId: string, now: number): Promise<void> {
    await heartbeatWorker(this.pool, workerId, now);
  }

  async stopWorker(workerId: string, now: number): Promise<void> {
    await stopWorker(this.pool, workerId, now);
  }

  async findDeadWorkers(input: {
    staleBefore: number;
    host: string;
    isPidAlive(pid: number): boolean;
  }): Promise<string[]> {
    return findDeadWorkers(this.pool, input);
  }

  async importPlan(definition: PlanDefinition, opts: ImportPlanOptions): Promise<ImportPlanResult> {
    const result = await withTransaction(this.pool, (client) =>
      importPlan(client, this.#newId, definition, opts),
    );
    if (result.changed) this.#changed();
    return result;
  }

  async getTaskPositions(planSlug: string): Promise<Record<string, { x: number; y: number }>> {
    const { rows } = await this.pool.query<{ key: string; position_x: number; position_y: number }>(
      `SELECT t.key, t.position_x, t.position_y FROM tasks t JOIN plans p ON p.id = t.plan_id
        WHERE p.slug = $1 AND t.position_x IS NOT NULL AND t.position_y IS NOT NULL ORDER BY t.position`,
      [planSlug],
    );
    return Object.fromEntries(rows.map((row) => [row.key, { x: row.position_x, y: row.position_y }]));
  }

  async setTaskPositions(
    planSlug: string,
    positions: { key: string; x: number; y: number }[],
  ): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ id: string }>("SELECT id FROM plans WHERE slug = $1", [planSlug]);
      const plan = rows[0];
      if (!plan) throw new NotFoundError("plan", planSlug);
      await placeTasks(client, plan.id, positions);
    });
  }

  async getPlanDefinition(
    slug: string,
  ): Promise<{ definition: PlanDefinition; baseDir: string | null; version: number }> {
    const { rows } = await this.pool.query<{
      definition_json: string;
      base_dir: string | null;
      version: number;
    }>("SELECT definition_json, base_dir, version FROM plans WHERE slug = $1", [slug]);
    const row = rows[0];
    if (!row) throw new NotFoundError("plan", slug);
    return {
      definition: JSON.parse(row.definition_json) as PlanDefinition,
      baseDir: row.base_dir,
      version: row.version,
    };
  }

  async createRun(input: CreateRunInput): Promise<CreatedRun> {
    const created = await withTransaction(this.pool, (client) => createRun(client, this.#newId, input));
    this.#changed();
    return created;
  }

  async requestCancel(runId: string, now: number): Promise<{ status: RunStatus }> {
    const result = await withTransaction(this.pool, (client) => requestCancel(client, runId, now));
    this.#changed();
    return result;
  }

  async getRunStatus(runId: string): Promise<RunStatus> {
    const { rows } = await this.pool.query<{ status: RunStatus }>("SELECT status FROM runs WHERE id = $1", [
      runId,
    ]);
    const row = rows[0];
    if (!row) throw new NotFoundError("run", runId);
    return row.status;
  }

  async retryTaskRun(runId: string, taskKey: string, now: number): Promise<void> {
    await withTransaction(this.pool, (client) => retryTaskRun(client, runId, taskKey, now));
    this.#changed();
  }

  async readEvents(input: { afterId: number; runId?: string; limit: number }): Promise<EventRecord[]> {
    return readEvents(this.pool, input);
  }

  async lastEventId(): Promise<number> {
    return lastEventId(this.pool);
  }

  async listQueues(): Promise<(QueueSettings & { ready: number; running: number })[]> {
    return listQueues(this.pool);
  }

  async configureQueue(
    name: string,
    change: { concurrency?: number | null; paused?: boolean },
  ): Promise<QueueSettings> {
    const settings = await configureQueue(this.pool, name, change);
    // A resumed queue or a raised limit makes work claimable.
    this.#changed();
    return settings;
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    if (this.#closed) return;
    this.#closed = true;
    await this.pool.end();
  }
}
