import { systemClock } from "@taskloom/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EngineHarness } from "./engine-harness.ts";

let engine: EngineHarness;
beforeEach(() => {
  engine = new EngineHarness();
});
afterEach(async () => {
  await engine.close();
});

describe("wake-ups", () => {
  it("claims work this process commits without waiting for the poll, once per burst of commits", async () => {
    const claims: number[] = [];
    const riding: number[] = [];
    const store = engine.store;
    const counting = new Proxy(store, {
      get(target, name, receiver) {
        if (name === "claimTaskRuns") {
          return (input: Parameters<typeof store.claimTaskRuns>[0]) => {
            claims.push(Date.now());
            return target.claimTaskRuns(input);
          };
        }
        if (name === "completeTaskRuns") {
          return (...args: Parameters<typeof store.completeTaskRuns>) => {
            if (args[2]) riding.push(args[2].limit);
            return target.completeTaskRuns(...args);
          };
        }
        const value = Reflect.get(target, name, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const worker = engine.worker({ pollMs: 60_000, concurrency: 4 }, { store: counting });
    await worker.start();
    const afterStart = claims.length;
    const runId = await engine.startRun({ plan: "wake", tasks: { a: { kind: "noop" } } });
    // Many wake-ups in one turn of the event loop: one claim.
    for (let i = 0; i < 10; i++) worker.wake();
    expect(await engine.waitForRun(runId, 5_000)).toBe("succeeded");
    // The completion claimed the four slots it left free in its own transaction.
    expect(riding).toEqual([4]);
    // One claim for the new run; the completion's own onChange, heard while its claim was on its way, may add
    // one more (the worker cannot tell it from another process's commit), and nothing else does.
    expect(claims.length - afterStart).toBeGreaterThanOrEqual(1);
    expect(claims.length - afterStart).toBeLessThanOrEqual(2);
  });
});

describe("lease recovery", () => {
  it("takes a dead local worker's lease back within about a second and re-runs the task without a retry", async () => {
    const runId = await engine.startRun({ plan: "dead", tasks: { a: { run: "echo again" } } });
    // A worker that claimed `a` and died without a word: registered, leased, never heard of again.
    await engine.store.registerWorker({
      id: "ghost",
      host: "test-host",
      pid: 999_999,
      queues: [],
      concurrency: 1,
      now: 0,
    });
    const [claimed] = await engine.store.claimTaskRuns({
      workerId: "ghost",
      limit: 1,
      leaseMs: 600_000,
      now: Date.now(),
    });
    expect(claimed?.maxAttempts).toBe(1);
    const ended: string[][] = [];
    const survivor = engine.worker(
      { runId, leaseMs: 600_000, deadWorkerCheckMs: 50 },
      {
        clock: systemClock,
        isPidAlive: (pid) => pid !== 999_999,
        endAttemptsOf: async (ids) => ended.push(ids),
      },
    );
    await survivor.start();
    expect(await engine.waitForRun(runId, 5_000)).toBe("succeeded");
    expect(ended).toEqual([["ghost"]]);
    const detail = await engine.database.queries.getRun(runId);
    expect(detail.tasks[0]).toMatchObject({ status: "succeeded", attempts: 2, outputText: "again" });
    expect(detail.tasks[0]?.attemptHistory.map((a) => [a.status, a.reason])).toEqual([
      ["lost", "lost"],
      ["succeeded", null],
    ]);
  });
});
