import { parsePlanObject, type WorkerRegistration } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import type { ContractStore } from "./store-contract.ts";

/**
 * Worker retention (run on every store by `describeStoreContract`): the registry forgets workers last seen before
 * a time, stopped or silent alike, but never one that still holds a lease. Times are explicit epoch ms (the
 * injected clock of the worker that prunes); nothing waits.
 */
export function describeWorkerRetentionContract(current: () => ContractStore): void {
  const HOUR = 3_600_000;
  const worker = (id: string, now: number): WorkerRegistration => ({
    id,
    host: "h",
    pid: 100,
    queues: [],
    concurrency: 1,
    now,
  });

  describe("worker retention", () => {
    it("forgets stopped and silent workers last seen before the cut, and keeps the others", async () => {
      const store = current();
      await store.registerWorker(worker("stopped-early", 0));
      await store.stopWorker("stopped-early", 1 * HOUR);
      await store.registerWorker(worker("killed-early", 0));
      await store.heartbeatWorker("killed-early", 1.5 * HOUR);
      await store.registerWorker(worker("stopped-late", 0));
      await store.stopWorker("stopped-late", 20 * HOUR);
      await store.registerWorker(worker("alive", 0));
      await store.heartbeatWorker("alive", 26 * HOUR);

      expect(await store.pruneWorkers(26 * HOUR - 24 * HOUR)).toEqual(["killed-early", "stopped-early"]);
      // Gone for good: a second pass finds nothing, and a later cut takes the next one.
      expect(await store.pruneWorkers(2 * HOUR)).toEqual([]);
      expect(await store.pruneWorkers(21 * HOUR)).toEqual(["stopped-late"]);
    });

    it("keeps a lost worker that still holds a lease until the lease is taken back", async () => {
      const store = current();
      await store.importPlan(parsePlanObject({ plan: "held", tasks: { a: { kind: "noop" } } }), {
        baseDir: null,
        now: 0,
      });
      await store.createRun({ planSlug: "held", trigger: "api", params: {}, now: 0 });
      await store.registerWorker(worker("holder", 0));
      const claimed = await store.claimTaskRuns({ workerId: "holder", limit: 1, leaseMs: 1_000, now: 0 });
      expect(claimed).toHaveLength(1);

      expect(await store.pruneWorkers(30 * HOUR)).toEqual([]);
      await store.reclaimExpiredLeases(Date.now() + 30 * HOUR, { deadWorkerIds: ["holder"] });
      expect(await store.pruneWorkers(30 * HOUR)).toEqual(["holder"]);
    });

    it("registers a forgotten worker again when it comes back", async () => {
      const store = current();
      await store.registerWorker(worker("back", 0));
      expect(await store.pruneWorkers(HOUR)).toEqual(["back"]);
      await store.registerWorker(worker("back", 2 * HOUR));
      expect(await store.pruneWorkers(HOUR)).toEqual([]);
      expect(await store.pruneWorkers(3 * HOUR)).toEqual(["back"]);
    });
  });
}
