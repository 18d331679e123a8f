import { type AttemptOutcome, type ClaimedTaskRun, type ParamValue, parsePlanObject } from "@taskloom/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ContractStore, StoreUnderTest } from "./store-contract.ts";

/**
 * The store contract for queue admin (peek, move, reschedule, bulk cancel) and concurrency keys, run on every
 * store like `describeStoreContract`. Time is the ports' `now`: a reschedule is proven by claiming just before
 * and at its time, never by waiting.
 */

const LEASE = 60_000;
const ok: AttemptOutcome = { status: "succeeded", exitCode: 0, outputText: "done", outputJson: null };

export function describeQueueContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`queue contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: ContractStore;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.close();
    });

    async function importPlan(slug: string, tasks: Record<string, unknown>, params = {}): Promise<void> {
      await store.importPlan(parsePlanObject({ plan: slug, params, tasks }), { baseDir: null, now: 0 });
    }
    async function startRun(slug: string, params: Record<string, ParamValue> = {}, now = 0): Promise<string> {
      return (await store.createRun({ planSlug: slug, trigger: "api", params, now })).runId;
    }
    const claim = (workerId: string, now: number, limit = 10, on: ContractStore = store) =>
      on.claimTaskRuns({ workerId, limit, leaseMs: LEASE, now });
    const complete = (task: ClaimedTaskRun, workerId: string, now: number) =>
      store.completeTaskRuns([{ taskRunId: task.id, attempt: task.attempt, workerId, outcome: ok }], now);
    const eventsOf = async (type: string) =>
      (await store.readEvents({ afterId: 0, limit: 100_000 })).filter((event) => event.type === type);

    describe("queue admin", () => {
      it("peeks the queued task runs in exactly the order claims take them", async () => {
        await importPlan("p", {
          low: { kind: "noop", priority: -1 },
          a: { kind: "noop" },
          urgent: { kind: "noop", priority: 5 },
          b: { kind: "noop" },
          later: { kind: "noop", requires: ["a"] },
          other: { kind: "noop", queue: "other" },
        });
        const first = await startRun("p");
        const second = await startRun("p");
        const peeked = await store.peekQueue("default", { limit: 20, now: 1 });
        expect(
          peeked.map((run) => [
            run.runId === first ? 1 : run.runId === second ? 2 : 0,
            run.taskKey,
            run.priority,
          ]),
        ).toEqual([
          [1, "urgent", 5],
          [2, "urgent", 5],
          [1, "a", 0],
          [1, "b", 0],
          [2, "a", 0],
          [2, "b", 0],
          [1, "low", -1],
          [2, "low", -1],
        ]);
        expect(peeked[0]).toMatchObject({ planSlug: "p", queue: "default", notBefore: null, readyAt: 0 });
        expect((await store.peekQueue("default", { limit: 3, now: 1 })).map((run) => run.id)).toEqual(
          peeked.slice(0, 3).map((run) => run.id),
        );
        const claimedInTurn: number[] = [];
        for (let i = 0; i < peeked.length; i++) {
          const [next] = await store.claimTaskRuns({
            workerId: "w",
            limit: 1,
            leaseMs: LEASE,
            now: 2,
            queues: ["default"],
          });
          if (next) claimedInTurn.push(next.id);
        }
        expect(claimedInTurn).toEqual(peeked.map((run) => run.id));
      });

      it("moves queued task runs to another queue, where only that queue's workers claim them", async () => {
        await importPlan("p", {
          a: { kind: "noop" },
          b: { kind: "noop" },
          c: { kind: "noop", requires: ["a"] },
        });
        const runId = await startRun("p");
        const [a] = await store.peekQueue("default", { limit: 1, now: 1 });
        expect(await store.moveQueuedTaskRuns({ taskRunIds: [a?.id ?? -1] }, "gpu", 1)).toEqual([a?.id]);
        // Moving again to the same queue changes nothing; a pending task run is not queued, so it is not moved.
        expect(await store.moveQueuedTaskRuns({ taskRunIds: [a?.id ?? -1] }, "gpu", 2)).toEqual([]);
        expect(await store.moveQueuedTaskRuns({ queue: "default", runId: "no-such-run" }, "gpu", 2)).toEqual(
          [],
        );
        const counts = (await store.listQueues()).map((q) => [q.name, q.ready]);
        expect(counts).toEqual([
          ["default", 1],
          ["gpu", 1],
        ]);
        const defaultOnly = await store.claimTaskRuns({
          workerId: "w",
          limit: 5,
          leaseMs: LEASE,
          now: 3,
          queues: ["default"],
        });
        expect(defaultOnly.map((task) => task.taskKey)).toEqual(["b"]);
        expect((await store.peekQueue("gpu", { limit: 5, now: 3 })).map((run) => run.taskKey)).toEqual(["a"]);
        const moved = await eventsOf("task_run.queue_changed");
        expect(moved.map((event) => [event.runId, event.taskKey, event.data])).toEqual([
          [runId, "a", { from: "default", to: "gpu" }],
        ]);
      });

      it("reschedules queued task runs: not claimable before their time, and wakes workers for it", async () => {
        await importPlan("p", { a: { kind: "noop" }, b: { kind: "noop", priority: 1 } });
        await startRun("p");
        const [b] = await store.peekQueue("default", { limit: 1, now: 1 });
        expect(b?.taskKey).toBe("b");
        expect(await store.rescheduleQueuedTaskRuns({ taskRunIds: [b?.id ?? -1] }, 5_000, 1)).toEqual([
          b?.id,
        ]);
        // The rescheduled one now peeks last, with its time, and claims skip it until then.
        const peeked = await store.peekQueue("default", { limit: 5, now: 2 });
        expect(peeked.map((run) => [run.taskKey, run.notBefore])).toEqual([
          ["a", null],
          ["b", 5_000],
        ]);
        expect(await store.nextAvailableAt(2)).toBe(5_000);
        expect((await claim("w", 2)).map((task) => task.taskKey)).toEqual(["a"]);
        expect(await claim("w", 4_999)).toEqual([]);
        expect((await claim("w", 5_000)).map((task) => task.taskKey)).toEqual(["b"]);
        expect(await store.nextAvailableAt(5_000)).toBeNull();
        const rescheduled = await eventsOf("task_run.rescheduled");
        expect(rescheduled.map((event) => [event.taskKey, event.data])).toEqual([
          ["b", { queue: "default", notBefore: 5_000 }],
        ]);
      });

      it("makes a rescheduled task run claimable at once again when its time is cleared", async () => {
        await importPlan("p", { a: { kind: "noop" } });
        const runId = await startRun("p");
        expect(await store.rescheduleQueuedTaskRuns({ runId }, 10_000, 1)).toHaveLength(1);
        expect(await claim("w", 2)).toEqual([]);
        expect(await store.rescheduleQueuedTaskRuns({ runId }, null, 3)).toHaveLength(1);
        expect((await claim("w", 4)).map((task) => task.taskKey)).toEqual(["a"]);
      });

      it("bulk-cancels a queue's queued task runs, filtered by plan, blocking their dependents", async () => {
        await importPlan("p", {
          a: { kind: "noop" },
          b: { kind: "noop", requires: ["a"] },
          slow: { kind: "noop", queue: "slow" },
        });
        await importPlan("q", { x: { kind: "noop" } });
        const runP = await startRun("p");
        const runQ = await startRun("q");
        const [slow] = await store.peekQueue("slow", { limit: 1, now: 1 });
        const cancelled = await store.cancelQueuedTaskRuns({ queue: "default", planSlug: "p" }, 2);
        expect(cancelled).toHaveLength(1);
        expect((await store.peekQueue("default", { limit: 5, now: 3 })).map((run) => run.runId)).toEqual([
          runQ,
        ]);
        const statuses = (await store.readEvents({ afterId: 0, runId: runP, limit: 1000 }))
          .filter((event) => event.type === "task_run.status")
          .map((event) => [event.taskKey, event.toStatus, event.data?.reason ?? null]);
        expect(statuses).toEqual([
          ["a", "cancelled", "cancelled"],
          ["b", "blocked", "upstream_failed"],
        ]);
        // The run still has `slow` queued; cancelling it ends the run.
        expect(await store.getRunStatus(runP)).toBe("queued");
        expect(await store.cancelQueuedTaskRuns({ taskRunIds: [slow?.id ?? -1] }, 4)).toEqual([slow?.id]);
        expect(await store.getRunStatus(runP)).toBe("failed");
        expect(await store.getRunStatus(runQ)).toBe("queued");
        // Running task runs are not queued: a bulk cancel leaves them alone.
        const [x] = await claim("w", 5);
        expect(await store.cancelQueuedTaskRuns({ queue: "default" }, 6)).toEqual([]);
        expect(x?.taskKey).toBe("x");
      });
    });

    describe("concurrency keys", () => {
      const keyedPlan = {
        deploy: { kind: "noop", concurrencyKey: "deploy:{{params.env}}", concurrencyLimit: 2 },
      };

      it("renders the key with each run's params and keeps at most the limit running per key", async () => {
        await importPlan("p", keyedPlan, { env: "prod" });
        const prod = [await startRun("p"), await startRun("p"), await startRun("p")];
        const staging = await startRun("p", { env: "staging" });
        const peeked = await store.peekQueue("default", { limit: 10, now: 1 });
        expect(
          peeked.map((run) => [run.concurrencyKey, run.concurrencyLimit, run.concurrencyRunning]),
        ).toEqual([
          ["deploy:prod", 2, 0],
          ["deploy:prod", 2, 0],
          ["deploy:prod", 2, 0],
          ["deploy:staging", 2, 0],
        ]);
        const first = await claim("w", 1);
        expect(first.map((task) => task.runId)).toEqual([prod[0], prod[1], staging]);
        expect(await claim("w", 2)).toEqual([]);
        expect((await store.peekQueue("default", { limit: 10, now: 2 }))[0]?.concurrencyRunning).toBe(2);
        const done = first[0];
        if (!done) throw new Error("claimed nothing");
        await complete(done, "w", 3);
        // The one that waited goes next, in order.
        expect((await claim("w", 4)).map((task) => task.runId)).toEqual([prod[2]]);
      });

      it("holds the limit across two workers on separate connections claiming at the same time", async () => {
        await importPlan("p", keyedPlan, { env: "prod" });
        await importPlan("free", { t: { kind: "noop" } });
        for (let i = 0; i < 8; i++) await startRun("p");
        for (let i = 0; i < 4; i++) await startRun("free");
        const other = await subject.connectAgain();
        const claimed: ClaimedTaskRun[] = [];
        for (let round = 0; round < 3; round++) {
          const rounds = await Promise.all(
            Array.from({ length: 8 }, (_, i) => claim(`w${i % 2}`, 1, 1, i % 2 === 0 ? store : other)),
          );
          claimed.push(...rounds.flat());
          expect(claimed.filter((task) => task.planSlug === "p").length).toBeLessThanOrEqual(2);
        }
        expect(claimed.filter((task) => task.planSlug === "p")).toHaveLength(2);
        // Work without a key is not held back by the key that is full.
        expect(claimed.filter((task) => task.planSlug === "free")).toHaveLength(4);
        expect(new Set(claimed.map((task) => task.id)).size).toBe(claimed.length);
      });

      it("runs one attempt of an exclusive task at a time across runs, and leaves other tasks alone", async () => {
        await importPlan("p", { migrate: { kind: "noop", exclusive: true }, lint: { kind: "noop" } });
        await importPlan("q", { migrate: { kind: "noop", exclusive: true } });
        await startRun("p");
        await startRun("p");
        await startRun("q");
        const other = await subject.connectAgain();
        const [mine, theirs] = await Promise.all([claim("w1", 1, 10), claim("w2", 1, 10, other)]);
        const keys = [...(mine ?? []), ...(theirs ?? [])]
          .map((task) => `${task.planSlug}/${task.taskKey}`)
          .sort();
        // One `p/migrate` (the key is the plan and the task), the other plan's own, and both lints.
        expect(keys).toEqual(["p/lint", "p/lint", "p/migrate", "q/migrate"]);
      });

      it("gives a retried task run the key of the plan's current definition", async () => {
        await importPlan("p", { a: { kind: "noop" } });
        const runId = await startRun("p");
        const [first] = await claim("w", 1);
        if (!first) throw new Error("claimed nothing");
        const failed: AttemptOutcome = {
          status: "failed",
          exitCode: 1,
          error: "x",
          reason: "exit_code",
          retryAt: null,
        };
        await store.completeTaskRuns(
          [{ taskRunId: first.id, attempt: first.attempt, workerId: "w", outcome: failed }],
          2,
        );
        await importPlan("p", {
          a: { kind: "noop", concurrencyKey: "{{plan.slug}}:{{run.id}}", concurrencyLimit: 4 },
        });
        await store.retryTaskRun(runId, "a", 3);
        const [queued] = await store.peekQueue("default", { limit: 1, now: 4 });
        expect([queued?.concurrencyKey, queued?.concurrencyLimit]).toEqual([`p:${runId}`, 4]);
      });

      it("holds a queue's limit across two workers claiming at the same time", async () => {
        await importPlan("p", { a: { kind: "noop", queue: "gpu" }, b: { kind: "noop", queue: "gpu" } });
        for (let i = 0; i < 4; i++) await startRun("p");
        await store.configureQueue("gpu", { concurrency: 3 });
        const other = await subject.connectAgain();
        const rounds = await Promise.all(
          Array.from({ length: 6 }, (_, i) => claim(`w${i % 2}`, 1, 2, i % 2 === 0 ? store : other)),
        );
        expect(rounds.flat()).toHaveLength(3);
      });
    });
  });
}
