import { afterEach, beforeEach, expect, it } from "vitest";
import { EngineHarness } from "./engine-harness.ts";

let engine: EngineHarness;
beforeEach(() => {
  engine = new EngineHarness();
});
afterEach(async () => {
  await engine.close();
});

it("waits on stop for a claim already sent, and gives back what it claimed instead of leaving it leased", async () => {
  const runId = await engine.startRun({ plan: "late", tasks: { a: { run: "sleep 5" } } });
  const store = engine.store;
  let claimSent!: () => void;
  const sent = new Promise<void>((resolve) => {
    claimSent = resolve;
  });
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => {
    answer = resolve;
  });
  // A claim whose answer comes late: it is still on its way when stop() is called.
  const slow = new Proxy(store, {
    get(target, name) {
      if (name === "claimTaskRuns") {
        return async (input: Parameters<typeof store.claimTaskRuns>[0]) => {
          claimSent();
          await answered;
          return target.claimTaskRuns(input);
        };
      }
      const value = Reflect.get(target, name, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const worker = engine.worker({ runId, pollMs: 60_000, shutdownGraceMs: 0 }, { store: slow });
  await worker.start();
  await sent;
  const stopped = worker.stop();
  answer();
  await stopped;

  // The claim leased `a` after stop() began; the stop released it: nothing is left leased to a stopped worker.
  expect(await store.leasedTaskRuns(worker.id)).toEqual([]);
  const detail = await engine.database.queries.getRun(runId);
  expect(detail.tasks[0]?.status).toBe("ready");
});
