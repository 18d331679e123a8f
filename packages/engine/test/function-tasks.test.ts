import type { FunctionTaskDefinition } from "@taskloom/core";
import { createTestDatabase, postgresDescribe } from "@taskloom/db/postgres-test-database";
import { beforeEach, describe, expect, it } from "vitest";
import { type TestDatabaseFactory, useEngine } from "./engine-fixture.ts";

const describePostgres = await postgresDescribe();

const PLAN = `plan: images
params: { width: 320 }
tasks:
  fetch:
    kind: noop
    result: { path: photo.jpg }
  resize:
    kind: function
    handler: resize
    input: { width: "{{params.width}}" }
    requires: [fetch]
  slow:
    kind: function
    handler: slow
    timeout: 50ms
    retries: { max: 1, delay: 10ms }
`;

const resize: FunctionTaskDefinition = {
  name: "resize",
  run: async (input, ctx) => {
    ctx.log.info("resizing", (ctx.outputs.fetch as { path: string }).path);
    await ctx.heartbeat();
    return { width: Number((input as { width: string }).width), path: "photo-320.jpg" };
  },
};
/** Waits for its signal: every attempt times out. */
const slow: FunctionTaskDefinition = {
  name: "slow",
  run: (_input, ctx) => new Promise((resolve) => ctx.signal.addEventListener("abort", () => resolve(null))),
};

/** Function tasks through the library API on both stores: handlers, the visible wait, timeouts and retries. */
function functionTaskSuite(name: string, database?: TestDatabaseFactory) {
  const engine = useEngine("taskloom-function-", database);
  beforeEach(async () => {
    await engine.taskloom.importPlanSource(PLAN);
  });

  describe(name, () => {
    it("runs the handlers a worker has, records their JSON output and log, and retries a timeout", async () => {
      const { runId, status } = await engine.taskloom.run("images", { handlers: [resize, slow], pollMs: 50 });
      expect(status).toBe("failed");
      const run = await engine.taskloom.getRun(runId);
      const byKey = new Map(run.tasks.map((task) => [task.key, task]));
      expect(byKey.get("resize")).toMatchObject({
        status: "succeeded",
        outputJson: { width: 320, path: "photo-320.jpg" },
      });
      expect(byKey.get("slow")).toMatchObject({
        status: "failed",
        attempts: 2,
        reason: "timeout",
        error: "timed out after 50ms",
      });
      const logs = await engine.taskloom.queries.readLogs({ runId, taskKey: "resize" });
      expect(logs.chunks.map((chunk) => [chunk.stream, chunk.text])).toEqual([
        ["stdout", "resizing photo.jpg\n"],
      ]);
    });

    it("ends an attempt whose handler ignores its abort signal after the kill grace, frees its slot and says so", async () => {
      await engine.taskloom.importPlanSource(`plan: stuck
tasks:
  stuck: { kind: function, handler: stuck, timeout: 50ms }
  next: { kind: function, handler: quick }
`);
      const stuck: FunctionTaskDefinition = { name: "stuck", run: () => new Promise(() => {}) };
      const quick: FunctionTaskDefinition = { name: "quick", run: () => "done" };
      // One slot: \`next\` runs only once \`stuck\`'s attempt has ended.
      const { runId, status } = await engine.taskloom.run("stuck", {
        handlers: [stuck, quick],
        concurrency: 1,
        killGraceMs: 20,
        pollMs: 50,
      });
      expect(status).toBe("failed");
      const byKey = new Map((await engine.taskloom.getRun(runId)).tasks.map((task) => [task.key, task]));
      expect(byKey.get("stuck")).toMatchObject({ status: "failed", reason: "timeout" });
      expect(byKey.get("next")?.status).toBe("succeeded");
      const logs = await engine.taskloom.queries.readLogs({ runId, taskKey: "stuck" });
      expect(logs.chunks.map((chunk) => [chunk.stream, chunk.text])).toEqual([
        [
          "system",
          "handler `stuck` did not stop within 20ms of its abort signal (ctx.signal); it may still be running in the worker's process, and nothing it does from now on is recorded\n",
        ],
      ]);
    });

    it("says a ready function task waits for a worker with its handler, until one starts", async () => {
      const { runId } = await engine.taskloom.startRun("images");
      const plain = engine.taskloom.createWorker({ pollMs: 50 });
      await plain.start();
      const fetched = new Promise<void>((resolve) => {
        const off = engine.taskloom.subscribe(
          (event) => {
            if (event.taskKey === "resize" && event.toStatus === "ready") {
              off();
              resolve();
            }
          },
          { runId, afterId: 0 },
        );
      });
      await fetched;
      const waiting = await engine.taskloom.getRun(runId);
      expect(waiting.tasks.map((task) => [task.key, task.status, task.waitingFor])).toEqual([
        ["fetch", "succeeded", undefined],
        ["resize", "ready", "waiting for a worker with handler `resize`"],
        ["slow", "ready", "waiting for a worker with handler `slow`"],
      ]);

      const able = engine.taskloom.createWorker({ handlers: [resize, slow], pollMs: 50 });
      await able.start();
      const workers = await engine.taskloom.listWorkers();
      expect(workers.map((worker) => worker.handlers).sort()).toEqual([[], ["resize", "slow"]]);
      expect(await engine.taskloom.waitForRun(runId)).toBe("failed");
      const done = await engine.taskloom.getRun(runId);
      expect(done.tasks.find((task) => task.key === "resize")?.status).toBe("succeeded");
      expect(done.tasks.every((task) => task.waitingFor === undefined)).toBe(true);
      await able.stop();
      await plain.stop();
    });

    it("refuses two handlers with one name", () => {
      expect(() => engine.taskloom.createWorker({ handlers: [resize, { ...slow, name: "resize" }] })).toThrow(
        "two handlers are named `resize`: handler names must be unique",
      );
    });
  });
}

functionTaskSuite("function tasks on SQLite");

describePostgres("PostgreSQL", () => {
  functionTaskSuite("function tasks on PostgreSQL", () => createTestDatabase());
});
