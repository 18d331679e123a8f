import { type AttemptOutcome, type ClaimedTaskRun, parsePlanObject } from "@taskloom/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ContractStore, StoreUnderTest } from "./store-contract.ts";

/**
 * The store contract for `kind: function` task runs, run on every store like `describeStoreContract`: a
 * claim takes a function task run only for a worker that registered its handler (`ClaimInput.handlers`).
 */

const LEASE = 60_000;
const failed: AttemptOutcome = {
  status: "failed",
  exitCode: null,
  error: "boom",
  reason: "error",
  retryAt: null,
};

export function describeFunctionContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`function task contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: ContractStore;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.close();
    });

    async function startRun(tasks: Record<string, unknown>, slug = "p"): Promise<string> {
      await store.importPlan(parsePlanObject({ plan: slug, tasks }), { baseDir: null, now: 0 });
      return (await store.createRun({ planSlug: slug, trigger: "api", params: {}, now: 0 })).runId;
    }
    const claim = (workerId: string, now: number, handlers?: string[], limit = 10, runId?: string) =>
      store.claimTaskRuns({
        workerId,
        limit,
        leaseMs: LEASE,
        now,
        ...(handlers ? { handlers } : {}),
        ...(runId ? { runId } : {}),
      });
    const keys = (claimed: ClaimedTaskRun[]) => claimed.map((task) => task.taskKey).sort();

    it("gives a function task run only to a worker that registered its handler", async () => {
      await startRun({
        plain: { kind: "noop" },
        resize: { kind: "function", handler: "resize" },
        report: { kind: "function", handler: "images/report" },
      });
      expect(keys(await claim("plain-worker", 1))).toEqual(["plain"]);
      expect(await claim("other-worker", 2, ["thumbnail"])).toEqual([]);
      const taken = await claim("resize-worker", 3, ["resize", "thumbnail"]);
      expect(keys(taken)).toEqual(["resize"]);
      expect(taken[0]?.definition.spec).toEqual({ kind: "function", handler: "resize" });
      expect(keys(await claim("report-worker", 4, ["images/report"]))).toEqual(["report"]);
    });

    it("gives the points of a swept function task only to a worker that registered its handler", async () => {
      await startRun({
        resize: { kind: "function", handler: "resize", sweep: { items: [{ w: 1 }, { w: 2 }] } },
      });
      expect(await claim("plain-worker", 1)).toEqual([]);
      expect(keys(await claim("resize-worker", 2, ["resize"]))).toEqual(["resize[0]", "resize[1]"]);
    });

    it("does not let waiting function task runs hide other work from a worker without their handler", async () => {
      const tasks: Record<string, unknown> = {};
      for (let i = 0; i < 60; i++) tasks[`f${i}`] = { kind: "function", handler: "missing", priority: 5 };
      tasks.last = { kind: "noop" };
      const runId = await startRun(tasks);
      expect(keys(await claim("w", 1, [], 1))).toEqual(["last"]);
      const second = await startRun(
        { only: { kind: "noop" }, f: { kind: "function", handler: "missing" } },
        "q",
      );
      expect(keys(await claim("w", 2, undefined, 1, second))).toEqual(["only"]);
      expect(await claim("w", 3, undefined, 10, runId)).toEqual([]);
      expect(await claim("w", 4, ["missing"], 100)).toHaveLength(61);
    });

    it("follows the handler of the definition a retry takes", async () => {
      const tasks = (handler: string) => ({ a: { kind: "function", handler } });
      const runId = await startRun(tasks("old"));
      const [first] = await claim("old-worker", 1, ["old"]);
      expect(first?.taskKey).toBe("a");
      await store.completeTaskRuns(
        [{ taskRunId: first?.id ?? -1, attempt: 1, workerId: "old-worker", outcome: failed }],
        2,
      );
      await store.importPlan(parsePlanObject({ plan: "p", tasks: tasks("new") }), { baseDir: null, now: 3 });
      await store.retryTaskRun(runId, "a", 4);
      expect(await claim("old-worker", 5, ["old"])).toEqual([]);
      const [retried] = await claim("new-worker", 6, ["new"]);
      expect(retried?.definition.spec).toEqual({ kind: "function", handler: "new" });
    });
  });
}
