import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Clock, DEFAULT_WORKER_RETENTION_MS, silentLogger } from "@taskloom/core";
import { openDatabase, type TaskloomDatabase } from "@taskloom/db";
import { createTestDatabase, postgresDescribe, type TestDatabase } from "@taskloom/db/postgres-test-database";
import { executeTask } from "@taskloom/executor";
import { afterEach, describe, expect, it } from "vitest";
import { Worker, type WorkerOptions } from "../src/index.ts";

const HOUR = 3_600_000;
/** Opening a PostgreSQL test database on a loaded machine can take seconds. */
const TIMEOUT_MS = 60_000;
const describePostgres = await postgresDescribe();

/** The retention as a user sees it: the Workers page's list (the read model), before and after a worker starts. */
function retentionCases(open: () => Promise<TaskloomDatabase>) {
  let database: TaskloomDatabase;
  const workers: Worker[] = [];
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.stop({ graceMs: 0 });
    await database.close();
  });

  function worker(id: string, clock: Clock, options: WorkerOptions = {}): Worker {
    const started = new Worker(
      {
        store: database.store,
        execute: executeTask,
        clock,
        random: () => 0.5,
        logger: silentLogger,
        workerId: id,
        host: "test-host",
        pid: process.pid,
        isPidAlive: () => true,
      },
      { pollMs: 60_000, ...options },
    );
    workers.push(started);
    return started;
  }
  const listed = async () => (await database.queries.listWorkers()).map((w) => w.id).sort();
  const register = (id: string, now: number) =>
    database.store.registerWorker({ id, host: "other-host", pid: 7, queues: [], concurrency: 2, now });

  it(
    "forgets workers killed or stopped more than 24 hours ago when a worker starts, and keeps recent ones",
    async () => {
      database = await open();
      const start = Date.UTC(2026, 0, 1);
      // Killed with kill -9 a day and a half ago: never stopped, listed as lost until now.
      await register("killed-long-ago", start);
      // Stopped a day and a half ago: not listed, but still in the registry.
      await register("stopped-long-ago", start);
      await database.store.stopWorker("stopped-long-ago", start + HOUR);
      // Killed two hours ago: still listed as lost, so an operator can see what happened.
      await register("killed-recently", start + 34 * HOUR);
      expect(await listed()).toEqual(["killed-long-ago", "killed-recently"]);

      const now = start + 36 * HOUR;
      await worker("housekeeper", { now: () => now }).start();

      expect(await listed()).toEqual(["housekeeper", "killed-recently"]);
      // The stopped one is gone from the registry too: a restart under its id registers afresh.
      expect(await database.store.pruneWorkers(now)).toEqual(["killed-recently"]);
      expect(DEFAULT_WORKER_RETENTION_MS).toBe(24 * HOUR);
    },
    TIMEOUT_MS,
  );

  it(
    "takes its retention as an option, and refuses one shorter than a lease",
    async () => {
      database = await open();
      const now = Date.UTC(2026, 0, 1);
      await register("an-hour-ago", now - HOUR);
      await worker("short", { now: () => now }, { workerRetentionMs: 30 * 60_000, leaseMs: 60_000 }).start();
      expect(await listed()).toEqual(["short"]);
      expect(() =>
        worker("too-short", { now: () => now }, { workerRetentionMs: 1_000, leaseMs: 30_000 }),
      ).toThrow(/workerRetentionMs must be at least the lease/);
    },
    TIMEOUT_MS,
  );
}

describe("worker retention on SQLite", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  retentionCases(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-retention-"));
    return openDatabase({ url: `file:${path.join(dir, "taskloom.db")}`, cwd: dir });
  });
});

describePostgres("worker retention on PostgreSQL", () => {
  let pg: TestDatabase | undefined;
  afterEach(async () => {
    await pg?.drop();
  });
  retentionCases(async () => {
    pg = await createTestDatabase();
    return openDatabase({ url: pg.url, cwd: os.tmpdir() });
  });
});
