import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type EventRecord, parsePlanObject, type RunStatus, silentLogger, systemClock } from "@taskloom/core";
import { openSqliteTaskloomDatabase, type SqliteTaskloomDatabase } from "@taskloom/db";
import { executeTask } from "@taskloom/executor";
import { type SchedulerResources, Worker, type WorkerOptions } from "../src/index.ts";

/**
 * A real engine on a real SQLite file in a temp directory: the store from @taskloom/db, the executor from
 * @taskloom/executor and the worker under test. Nothing is mocked.
 */
export class EngineHarness {
  readonly dir: string;
  readonly database: SqliteTaskloomDatabase;
  readonly workers: Worker[] = [];
  #workerCount = 0;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-scheduler-"));
    this.database = openSqliteTaskloomDatabase({
      url: `file:${path.join(this.dir, "taskloom.db")}`,
      cwd: this.dir,
    });
  }

  get store() {
    return this.database.store;
  }

  worker(
    options: WorkerOptions = {},
    overrides: Partial<
      Pick<SchedulerResources, "store" | "execute" | "clock" | "workerId" | "isPidAlive" | "endAttemptsOf">
    > = {},
  ) {
    this.#workerCount++;
    const worker = new Worker(
      {
        store: overrides.store ?? this.store,
        execute: overrides.execute ?? executeTask,
        clock: overrides.clock ?? systemClock,
        random: () => 0.5,
        logger: silentLogger,
        workerId: overrides.workerId ?? `test-worker-${this.#workerCount}`,
        host: "test-host",
        pid: process.pid,
        isPidAlive: overrides.isPidAlive ?? (() => true),
        ...(overrides.endAttemptsOf ? { endAttemptsOf: overrides.endAttemptsOf } : {}),
      },
      { pollMs: 50, ...options },
    );
    this.workers.push(worker);
    return worker;
  }

  async importPlan(plan: unknown): Promise<string> {
    const definition = parsePlanObject(plan);
    await this.store.importPlan(definition, { baseDir: this.dir, now: Date.now() });
    return definition.slug;
  }

  async startRun(plan: unknown, params: Record<string, string> = {}): Promise<string> {
    const slug = await this.importPlan(plan);
    const { runId } = await this.store.createRun({ planSlug: slug, trigger: "api", params, now: Date.now() });
    return runId;
  }

  async waitForRun(runId: string, timeoutMs = 20_000): Promise<RunStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.store.getRunStatus(runId);
      if (status === "succeeded" || status === "failed" || status === "cancelled") return status;
      if (Date.now() > deadline) throw new Error(`run ${runId} still ${status} after ${timeoutMs}ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Runs a plan to its end with one worker; returns the final status and the run's details. */
  async runPlan(plan: unknown, options: WorkerOptions = {}) {
    const runId = await this.startRun(plan);
    const worker = this.worker({ runId, ...options });
    await worker.start();
    const status = await this.waitForRun(runId);
    await worker.stop();
    return {
      runId,
      status,
      detail: await this.database.queries.getRun(runId),
      events: await this.events(runId),
    };
  }

  async events(runId: string): Promise<EventRecord[]> {
    return this.store.readEvents({ afterId: 0, runId, limit: 100_000 });
  }

  async close(): Promise<void> {
    for (const worker of this.workers) await worker.stop({ graceMs: 0 });
    await this.database.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The order in which tasks entered a status, from the event log. */
export function orderOf(events: EventRecord[], status: string): string[] {
  return events
    .filter((e) => e.type === "task_run.status" && e.toStatus === status)
    .map((e) => e.taskKey ?? "");
}

/** Event id at which `key` first reached `status`. */
export function when(events: EventRecord[], key: string, status: string): number {
  const event = events.find((e) => e.taskKey === key && e.toStatus === status);
  if (!event) throw new Error(`${key} never reached ${status}`);
  return event.id;
}
