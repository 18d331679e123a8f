import {
  type ApprovalStore,
  type AttemptOutcome,
  type ClaimedTaskRun,
  type ContextStore,
  type DraftStore,
  type EventRecord,
  type EventStore,
  IllegalTransitionError,
  NotFoundError,
  type OperatorStore,
  parsePlanObject,
  type QueueStore,
  type RunStore,
  type SchedulerStore,
  type ScheduleStore,
  StalePlanVersionError,
  type TaskRunStatus,
} from "@taskloom/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeApprovalContract } from "./approval-contract.ts";
import { describeContextContract } from "./context-contract.ts";
import { describeDraftContract } from "./draft-contract.ts";
import { describeOperatorContract } from "./operator-contract.ts";
import { describeWorkerRetentionContract } from "./worker-retention-contract.ts";

/**
 * The store contract: what every implementation of the storage ports must do, run against each of them
 * through a factory (`sqlite.test.ts` runs it on SQLite; a PostgreSQL store only needs its own factory).
 * Everything is observed through the ports themselves, state through the event log, so the suite also
 * proves that every transition writes its event. Times are explicit epoch ms: nothing waits.
 */

export type ContractStore = SchedulerStore &
  RunStore &
  QueueStore &
  EventStore &
  OperatorStore &
  ApprovalStore;

export interface StoreUnderTest {
  store: ContractStore;
  /** The same database's context store (documents, snapshots, the outputs context bundles read). */
  context: ContextStore;
  /** The same database's draft marks ("Draft plan from goal"). */
  drafts: DraftStore;
  /** A second, independent connection to the same database (another worker's). */
  connectAgain(): Promise<ContractStore>;
  /** The same database's schedule store. */
  schedules: ScheduleStore;
  /** A second, independent schedule store on the same database (another worker's or server's). */
  connectSchedulesAgain(): Promise<ScheduleStore>;
  /**
   * The `task_links` rows of a plan, in insertion order, read with SQL: no port reads the table back (views
   * read the task definitions; runs take their `requires` edges from it), so the suite looks at it directly.
   */
  storedLinks(planSlug: string): Promise<{ from: string; to: string; kind: string }[]>;
  close(): Promise<void>;
}

/** What `storedLinks` reads, on either database (`$1`: the plan's slug). */
export const STORED_LINKS_SQL = `SELECT l.from_key AS "from", l.to_key AS "to", l.kind
  FROM task_links l JOIN plans p ON p.id = l.plan_id
 WHERE p.slug = $1 ORDER BY l.id`;

const LEASE = 1_000;
const ok: AttemptOutcome = { status: "succeeded", exitCode: 0, outputText: "done", outputJson: null };
const succeeded = (outputText: string): AttemptOutcome => ({
  status: "succeeded",
  exitCode: 0,
  outputText,
  outputJson: null,
});
const final = (error = "boom"): AttemptOutcome => ({
  status: "failed",
  exitCode: 1,
  error,
  reason: "exit_code",
  retryAt: null,
});

export function describeStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`store contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: ContractStore;
    let context: ContextStore;
    let drafts: DraftStore;
    beforeEach(async () => {
      subject = await open();
      drafts = subject.drafts;
      store = subject.store;
      context = subject.context;
    });
    afterEach(async () => {
      await subject.close();
    });

    async function startRun(tasks: Record<string, unknown>, slug = "p"): Promise<string> {
      await store.importPlan(parsePlanObject({ plan: slug, tasks }), { baseDir: null, now: 0 });
      return (await store.createRun({ planSlug: slug, trigger: "api", params: {}, now: 0 })).runId;
    }
    const claim = (workerId: string, now: number, limit = 10, on: ContractStore = store) =>
      on.claimTaskRuns({ workerId, limit, leaseMs: LEASE, now });
    const complete = (task: ClaimedTaskRun | undefined, workerId: string, now: number, outcome = ok) =>
      store.completeTaskRuns(
        [{ taskRunId: task?.id ?? -1, attempt: task?.attempt ?? -1, workerId, outcome }],
        now,
      );
    const events = (runId: string): Promise<EventRecord[]> =>
      store.readEvents({ afterId: 0, runId, limit: 100_000 });
    /** Each task's status and reason, as a client following the event log would see them. */
    async function statuses(runId: string): Promise<Record<string, [TaskRunStatus, unknown]>> {
      const seen: Record<string, [TaskRunStatus, unknown]> = {};
      for (const e of await events(runId)) {
        if (e.type === "task_run.status" && e.taskKey) {
          seen[e.taskKey] = [e.toStatus as TaskRunStatus, e.data?.reason ?? null];
        }
      }
      return seen;
    }

    describeOperatorContract(() => store);
    describeApprovalContract(
      () => store,
      () => subject.connectAgain(),
    );
    describeContextContract(() => ({ store, context }));
    describeDraftContract(() => ({ store, context, drafts }));
    describeWorkerRetentionContract(() => store);

    describe("claim and complete", () => {
      it("claims ready rows by priority, then plan order, and only the ready ones", async () => {
        await startRun({
          a: { kind: "noop" },
          b: { kind: "noop", priority: 3 },
          c: { kind: "noop", requires: ["a"] },
          d: { kind: "noop" },
        });
        const claimed = await claim("w1", 1);
        expect(claimed.map((t) => t.taskKey)).toEqual(["b", "a", "d"]);
        expect(claimed.every((t) => t.attempt === 1 && t.leaseExpiresAt === 1 + LEASE)).toBe(true);
        expect(await claim("w2", 2)).toEqual([]);
      });

      it("releases a dependent only when its last upstream succeeds, passing outputs along", async () => {
        await startRun({
          a: { kind: "noop" },
          b: { kind: "noop" },
          c: { kind: "noop", requires: ["a", "b"] },
        });
        const [a, b] = await claim("w", 1);
        await complete(a, "w", 2);
        expect(await claim("w", 3)).toEqual([]);
        await complete(b, "w", 4);
        const [c] = await claim("w", 5);
        expect(c?.taskKey).toBe("c");
        expect(c?.upstream).toEqual({ a: { output: "done", json: null }, b: { output: "done", json: null } });
      });

      it("claims with a completion what the batch made ready, as a claim right after it would", async () => {
        const runId = await startRun({
          a: { kind: "noop" },
          b: { kind: "noop", requires: ["a"] },
          c: { kind: "noop", requires: ["a"], priority: 1 },
          d: { kind: "noop", requires: ["b"] },
        });
        const [a] = await claim("w", 1);
        const next = { workerId: "w", limit: 1, leaseMs: LEASE, now: 2 };
        const outcome = await store.completeTaskRuns(
          [{ taskRunId: a?.id ?? -1, attempt: a?.attempt ?? -1, workerId: "w", outcome: ok }],
          2,
          next,
        );
        expect(outcome.recorded).toEqual([a?.id]);
        // Claim order still holds: c's priority puts it first; the slot left over is b's.
        expect(outcome.claimed.map((t) => [t.taskKey, t.attempt, t.leaseExpiresAt])).toEqual([
          ["c", 1, 2 + LEASE],
        ]);
        expect(outcome.claimed[0]?.upstream).toEqual({ a: { output: "done", json: null } });
        const [b] = await claim("w2", 3);
        expect(b?.taskKey).toBe("b");
        // A batch whose lease was lost records nothing, and its claim still takes what is ready.
        const late = await store.completeTaskRuns(
          [{ taskRunId: a?.id ?? -1, attempt: a?.attempt ?? -1, workerId: "w", outcome: ok }],
          4,
          { ...next, now: 4 },
        );
        expect(late).toMatchObject({ recorded: [], stale: [a?.id], claimed: [] });
        expect(
          (await events(runId))
            .filter((e) => e.type === "task_run.status")
            .map((e) => `${e.taskKey}:${e.fromStatus}>${e.toStatus}:${String(e.data?.workerId ?? "")}`),
        ).toEqual([
          "a:ready>running:w",
          "a:running>succeeded:",
          "b:pending>ready:",
          "c:pending>ready:",
          "c:ready>running:w",
          "b:ready>running:w2",
        ]);
      });

      it("fails for good without retries, blocking every transitive dependent, and fails the run", async () => {
        const runId = await startRun({
          a: { kind: "noop" },
          b: { kind: "noop", requires: ["a"] },
          c: { kind: "noop", requires: ["b"] },
          side: { kind: "noop" },
        });
        const [a, side] = await claim("w", 1);
        await complete(a, "w", 2, final());
        expect(await store.getRunStatus(runId)).toBe("running");
        const done = await complete(side, "w", 3);
        expect(done.finishedRuns).toEqual([{ runId, status: "failed" }]);
        expect(await statuses(runId)).toEqual({
          a: ["failed", "exit_code"],
          b: ["blocked", "upstream_failed"],
          c: ["blocked", "upstream_failed"],
          side: ["succeeded", null],
        });
      });

      it("schedules a retry at retryAt and claims it only then, as the next attempt", async () => {
        await startRun({ a: { kind: "noop", retries: { max: 1 } } });
        const [first] = await claim("w", 0);
        expect(first?.maxAttempts).toBe(2);
        await complete(first, "w", 1, { ...final(), retryAt: 500 } as AttemptOutcome);
        expect(await store.nextAvailableAt(1)).toBe(500);
        expect(await claim("w", 499)).toEqual([]);
        const [second] = await claim("w", 500);
        expect(second?.attempt).toBe(2);
        expect(await store.nextAvailableAt(501)).toBeNull();
      });

      it("writes one event per transition, carrying the task key, the statuses and the attempt", async () => {
        const runId = await startRun({ a: { kind: "noop" }, b: { kind: "noop", requires: ["a"] } });
        const [a] = await claim("w", 1);
        await complete(a, "w", 2);
        const [b] = await claim("w", 3);
        await complete(b, "w", 4);
        const log = await events(runId);
        expect(
          log.map((e) => `${e.type}:${e.taskKey ?? ""}:${e.fromStatus ?? ""}>${e.toStatus ?? ""}`),
        ).toEqual([
          "run.created::>queued",
          "task_run.status:a:ready>running",
          "run.status::queued>running",
          "task_run.status:a:running>succeeded",
          "task_run.status:b:pending>ready",
          "task_run.status:b:ready>running",
          "task_run.status:b:running>succeeded",
          "run.status::running>succeeded",
        ]);
        const taskEvents = log.filter((e) => e.type === "task_run.status");
        expect(taskEvents.map((e) => e.data?.attempt)).toEqual([1, 1, 0, 1, 1]);
        expect(taskEvents.every((e) => e.runId === runId && e.taskRunId !== null)).toBe(true);
        expect(log.map((e) => e.id)).toEqual([...log.map((e) => e.id)].sort((x, y) => x - y));
        expect(await store.lastEventId()).toBe(log.at(-1)?.id);
      });

      it("reads events after an id, in pages, for one run or all", async () => {
        const first = await startRun({ a: { kind: "noop" } }, "one");
        const second = await startRun({ b: { kind: "noop" } }, "two");
        const all = await store.readEvents({ afterId: 0, limit: 1_000 });
        expect(new Set(all.map((e) => e.runId))).toEqual(new Set([null, first, second]));
        const page = await store.readEvents({ afterId: all[0]?.id ?? 0, limit: 2 });
        expect(page.map((e) => e.id)).toEqual(all.slice(1, 3).map((e) => e.id));
        const ofSecond = await store.readEvents({ afterId: 0, runId: second, limit: 1_000 });
        expect(ofSecond.length).toBeGreaterThan(0);
        expect(ofSecond.every((e) => e.runId === second)).toBe(true);
        expect(await store.readEvents({ afterId: await store.lastEventId(), limit: 10 })).toEqual([]);
        expect(await store.cancelRequested([])).toEqual([]);
      });

      it("never gives one task run to two workers claiming at the same time", async () => {
        const tasks: Record<string, unknown> = {};
        for (let i = 0; i < 60; i++) tasks[`t${i}`] = { kind: "noop" };
        await startRun(tasks);
        const other = await subject.connectAgain();
        const rounds = await Promise.all(
          Array.from({ length: 12 }, (_, i) => claim(`w${i % 2}`, 1, 7, i % 2 === 0 ? store : other)),
        );
        const ids = rounds.flat().map((t) => t.id);
        expect(ids).toHaveLength(60);
        expect(new Set(ids).size).toBe(60);
      });
    });

    describe("leases", () => {
      it("extends held leases on heartbeat and reports the ones that were lost", async () => {
        await startRun({ a: { kind: "noop" }, b: { kind: "noop" } });
        const [a, b] = await claim("w1", 0);
        expect(await store.heartbeat("w1", [a?.id ?? 0], LEASE, 900)).toEqual([]);
        // a's lease now runs to 1900; b's expired at 1000 and is taken back.
        expect(await store.reclaimExpiredLeases(LEASE + 1)).toBe(1);
        expect(await store.heartbeat("w1", [a?.id ?? 0, b?.id ?? 0], LEASE, LEASE + 2)).toEqual([b?.id]);
      });

      it("requeues a lost lease without using a retry, and ignores the old worker's late result", async () => {
        const runId = await startRun({ a: { kind: "noop" } });
        const [first] = await claim("w1", 0);
        expect(first?.maxAttempts).toBe(1);
        expect(await store.reclaimExpiredLeases(LEASE + 1)).toBe(1);
        expect(await statuses(runId)).toEqual({ a: ["ready", "lost"] });
        const [second] = await claim("w2", LEASE + 2);
        // A task with no retries gets its one real attempt again.
        expect(second).toMatchObject({ attempt: 2, maxAttempts: 2 });
        const late = await complete(first, "w1", LEASE + 3);
        expect(late).toMatchObject({ recorded: [], stale: [first?.id] });
        const fresh = await complete(second, "w2", LEASE + 4);
        expect(fresh.finishedRuns).toEqual([{ runId, status: "succeeded" }]);
      });

      it("takes back a dead worker's leases before they expire", async () => {
        const runId = await startRun({ a: { kind: "noop" } });
        await store.registerWorker({ id: "w1", host: "h", pid: 4242, queues: [], concurrency: 1, now: 0 });
        await claim("w1", 1);
        const dead = (alive: boolean, host: string) =>
          store.findDeadWorkers({ staleBefore: -1, host, isPidAlive: () => alive });
        expect(await dead(true, "h")).toEqual([]);
        expect(await dead(false, "elsewhere")).toEqual([]);
        expect(await dead(false, "h")).toEqual(["w1"]);
        expect(await store.findDeadWorkers({ staleBefore: 1, host: "x", isPidAlive: () => true })).toEqual([
          "w1",
        ]);
        expect(await store.reclaimExpiredLeases(2)).toBe(0);
        expect(await store.reclaimExpiredLeases(2, { deadWorkerIds: ["w1"] })).toBe(1);
        const lost = (await events(runId)).filter((e) => e.data?.reason === "lost");
        expect(lost.map((e) => [e.fromStatus, e.toStatus, e.data?.workerId, e.data?.attempt])).toEqual([
          ["running", "ready", "w1", 1],
        ]);
        // A worker without leases is of no interest.
        expect(await dead(false, "h")).toEqual([]);
      });

      it("fails a task run that lost its lease maxLostLeases times in a row, with reason lost", async () => {
        const runId = await startRun({
          a: { kind: "noop", retries: { max: 5 } },
          b: { kind: "noop", requires: ["a"] },
        });
        let now = 0;
        for (let lost = 1; lost <= 3; lost++) {
          const [a] = await claim(`w${lost}`, now);
          expect(a?.attempt).toBe(lost);
          now += LEASE + 1;
          await store.reclaimExpiredLeases(now);
          now++;
        }
        expect(await store.getRunStatus(runId)).toBe("failed");
        expect(await statuses(runId)).toEqual({ a: ["failed", "lost"], b: ["blocked", "upstream_failed"] });
      });

      it("counts only lost leases in a row, and takes the cap as an option", async () => {
        const runId = await startRun({ a: { kind: "noop", retries: { max: 5 } } });
        const [first] = await claim("w", 0);
        await store.reclaimExpiredLeases(LEASE + 1, { maxLostLeases: 2 });
        const [second] = await claim("w", 2_000);
        // A real failure in between ends the streak.
        await complete(second, "w", 2_001, { ...final(), retryAt: 2_001 } as AttemptOutcome);
        const [third] = await claim("w", 2_002);
        await store.reclaimExpiredLeases(2_002 + LEASE + 1, { maxLostLeases: 2 });
        expect((await statuses(runId)).a).toEqual(["ready", "lost"]);
        const [fourth] = await claim("w", 5_000);
        await store.reclaimExpiredLeases(5_000 + LEASE + 1, { maxLostLeases: 2 });
        expect((await statuses(runId)).a).toEqual(["failed", "lost"]);
        expect([first, second, third, fourth].map((t) => t?.attempt)).toEqual([1, 2, 3, 4]);
      });

      it("lists the task runs a worker holds, so one unsure of a claim can give back what it holds", async () => {
        await startRun({ a: { kind: "noop" }, b: { kind: "noop" }, c: { kind: "noop" } });
        const [a, b] = await claim("w1", 0, 2);
        const [c] = await claim("w2", 0);
        expect(await store.leasedTaskRuns("w1")).toEqual([a?.id, b?.id]);
        expect(await store.leasedTaskRuns("w2")).toEqual([c?.id]);
        await store.releaseTaskRuns("w1", [a?.id ?? 0], 1);
        expect(await store.leasedTaskRuns("w1")).toEqual([b?.id]);
        expect(await store.leasedTaskRuns("nobody")).toEqual([]);
      });

      it("gives claims back on shutdown without counting the attempt", async () => {
        await startRun({ a: { kind: "noop" } });
        const [a] = await claim("w1", 0);
        await store.releaseTaskRuns("w2", [a?.id ?? 0], 1);
        expect(await claim("w2", 1)).toEqual([]);
        await store.releaseTaskRuns("w1", [a?.id ?? 0], 1);
        const [again] = await claim("w2", 2);
        expect(again?.attempt).toBe(1);
      });
    });

    describe("operator moves", () => {
      it("retries a failed task with a renewed budget; its blocked dependents then run", async () => {
        const runId = await startRun({
          a: { kind: "noop", retries: { max: 1 } },
          b: { kind: "noop", requires: ["a"] },
        });
        const [a1] = await claim("w", 0);
        await complete(a1, "w", 1, { ...final(), retryAt: 1 } as AttemptOutcome);
        const [a2] = await claim("w", 2);
        await complete(a2, "w", 3, final());
        expect(await store.getRunStatus(runId)).toBe("failed");
        await store.retryTaskRun(runId, "a", 4);
        expect(await store.getRunStatus(runId)).toBe("running");
        expect((await statuses(runId)).b).toEqual(["pending", null]);
        const [a3] = await claim("w", 5);
        expect(a3).toMatchObject({ attempt: 3, maxAttempts: 4 });
        await complete(a3, "w", 6);
        const [b] = await claim("w", 7);
        await complete(b, "w", 8);
        expect(await store.getRunStatus(runId)).toBe("succeeded");
      });

      it("runs a join task after a retry even when its other upstream finished while it was blocked", async () => {
        const runId = await startRun({
          a: { kind: "noop" },
          b: { kind: "noop" },
          d: { kind: "noop", requires: ["a", "b"] },
        });
        const [a, b] = await claim("w", 1);
        await complete(b, "w", 2, final());
        await complete(a, "w", 3);
        expect(await store.getRunStatus(runId)).toBe("failed");
        await store.retryTaskRun(runId, "b", 4);
        const [retried] = await claim("w", 5);
        await complete(retried, "w", 6);
        const [d] = await claim("w", 7);
        expect(d?.taskKey).toBe("d");
        await complete(d, "w", 8);
        expect(await store.getRunStatus(runId)).toBe("succeeded");
      });

      it("retries with the plan's current definition of the task by default, the frozen copy on request", async () => {
        const tasks = (command: string) => ({
          a: { run: command },
          b: { kind: "noop", requires: ["a"] },
        });
        const runId = await startRun(tasks("exit 3"));
        const [a1] = await claim("w", 1);
        await complete(a1, "w", 2, final());
        await store.importPlan(parsePlanObject({ plan: "p", tasks: tasks("echo fixed") }), {
          baseDir: null,
          now: 3,
        });
        await store.retryTaskRun(runId, "a", 4);
        const [a2] = await claim("w", 5);
        expect(a2?.definition).toMatchObject({ key: "a", spec: { run: "echo fixed" } });
        await complete(a2, "w", 6, final());
        await store.retryTaskRun(runId, "a", 7, "frozen");
        const [a3] = await claim("w", 8);
        expect(a3?.definition).toMatchObject({ key: "a", spec: { run: "exit 3" } });
        await complete(a3, "w", 9);
        const [b] = await claim("w", 10);
        expect(b?.taskKey).toBe("b");
        const retries = (await events(runId)).filter(
          (e) => e.data?.operator === "retry" && e.taskKey === "a",
        );
        expect(retries.map((e) => e.data)).toEqual([
          { attempt: 1, operator: "retry", definition: "current", fromVersion: 1, toVersion: 2 },
          { attempt: 2, operator: "retry", definition: "frozen", fromVersion: 2, toVersion: 1 },
        ]);
      });

      it("retries a task removed from the plan with its frozen copy", async () => {
        const runId = await startRun({ a: { run: "exit 3" } });
        const [a1] = await claim("w", 1);
        await complete(a1, "w", 2, final());
        await store.importPlan(parsePlanObject({ plan: "p", tasks: { other: { kind: "noop" } } }), {
          baseDir: null,
          now: 3,
        });
        await store.retryTaskRun(runId, "a", 4);
        const [a2] = await claim("w", 5);
        expect(a2?.definition).toMatchObject({ key: "a", spec: { run: "exit 3" } });
      });

      it("refuses to retry what did not fail, and names what does not exist", async () => {
        const runId = await startRun({ a: { kind: "noop" } });
        await expect(store.retryTaskRun(runId, "a", 1)).rejects.toBeInstanceOf(IllegalTransitionError);
        await expect(store.retryTaskRun(runId, "nope", 1)).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.retryTaskRun("run_nope", "a", 1)).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.getRunStatus("run_nope")).rejects.toBeInstanceOf(NotFoundError);
      });

      it("cancels idle task runs at once and running ones through their worker; idempotent", async () => {
        const runId = await startRun({ a: { kind: "noop" }, b: { kind: "noop", requires: ["a"] } });
        const [a] = await claim("w", 1);
        expect(await store.requestCancel(runId, 2)).toEqual({ status: "running" });
        expect(await store.cancelRequested([a?.id ?? 0])).toEqual([a?.id]);
        expect((await statuses(runId)).b).toEqual(["cancelled", "cancelled"]);
        const done = await store.completeTaskRuns(
          [
            {
              taskRunId: a?.id ?? 0,
              attempt: 1,
              workerId: "w",
              outcome: { status: "cancelled", exitCode: null, error: "run cancelled" },
            },
          ],
          3,
        );
        expect(done.finishedRuns).toEqual([{ runId, status: "cancelled" }]);
        expect(await store.requestCancel(runId, 4)).toEqual({ status: "cancelled" });
        await expect(store.retryTaskRun(runId, "a", 5)).rejects.toBeInstanceOf(IllegalTransitionError);
      });

      it("ends a run with nothing running as soon as it is cancelled", async () => {
        const runId = await startRun({ a: { kind: "noop" } });
        expect(await store.requestCancel(runId, 1)).toEqual({ status: "cancelled" });
        expect(await claim("w", 2)).toEqual([]);
      });
    });

    describe("queues", () => {
      it("respects a queue's limit across workers and a paused queue, while others run", async () => {
        await startRun({
          g1: { kind: "noop", queue: "gpu" },
          g2: { kind: "noop", queue: "gpu" },
          s1: { kind: "noop", queue: "slow" },
          c1: { kind: "noop" },
        });
        expect(await store.configureQueue("gpu", { concurrency: 1 })).toEqual({
          name: "gpu",
          concurrency: 1,
          paused: false,
        });
        await store.configureQueue("slow", { paused: true });
        const first = await claim("w1", 1, 1);
        const second = await claim("w2", 1);
        expect([...first, ...second].map((t) => t.taskKey).sort()).toEqual(["c1", "g1"]);
        const listed = await store.listQueues();
        expect(listed.map((q) => [q.name, q.concurrency, q.paused, q.ready, q.running])).toEqual([
          ["default", null, false, 0, 1],
          ["gpu", 1, false, 1, 1],
          ["slow", null, true, 1, 0],
        ]);
        await store.configureQueue("slow", { paused: false });
        expect((await claim("w2", 2)).map((t) => t.taskKey)).toEqual(["s1"]);
      });

      it("claims only from the queues a worker serves", async () => {
        await startRun({ a: { kind: "noop", queue: "io" }, b: { kind: "noop" } });
        const claimed = await store.claimTaskRuns({
          workerId: "w",
          limit: 5,
          leaseMs: LEASE,
          now: 1,
          queues: ["io"],
        });
        expect(claimed.map((t) => t.taskKey)).toEqual(["a"]);
      });
    });

    describe("plans and runs", () => {
      it("records every kind of link of the plan, and the links of an edit replace the old ones", async () => {
        const plan = (c: Record<string, unknown>) =>
          parsePlanObject({ plan: "links", tasks: { a: { kind: "noop" }, b: { kind: "noop" }, c } });
        await store.importPlan(
          plan({ kind: "noop", requires: ["a"], refers: ["b"], duplicates: ["b"], relatesTo: ["a"] }),
          { baseDir: null, now: 0 },
        );
        expect(await subject.storedLinks("links")).toEqual([
          { from: "a", to: "c", kind: "requires" },
          { from: "b", to: "c", kind: "refers" },
          { from: "b", to: "c", kind: "duplicates" },
          { from: "a", to: "c", kind: "relates_to" },
        ]);
        // An editor edit saves the plan the same way: a link switched from `duplicates` to `relates_to`.
        await store.importPlan(plan({ kind: "noop", requires: ["a"], relatesTo: ["a", "b"] }), {
          baseDir: null,
          now: 1,
          reason: "edit",
        });
        expect(await subject.storedLinks("links")).toEqual([
          { from: "a", to: "c", kind: "requires" },
          { from: "a", to: "c", kind: "relates_to" },
          { from: "b", to: "c", kind: "relates_to" },
        ]);
        // Only `requires` gates the run: c waits for a alone.
        await store.createRun({ planSlug: "links", trigger: "api", params: {}, now: 2 });
        expect((await claim("w", 3)).map((t) => t.taskKey)).toEqual(["a", "b"]);
      });

      it("versions a plan only when its definition changes, and keeps positions apart", async () => {
        const definition = parsePlanObject({ plan: "v", tasks: { a: { kind: "noop" } } });
        expect(await store.importPlan(definition, { baseDir: "/x", now: 0 })).toMatchObject({
          version: 1,
          changed: true,
        });
        expect(await store.importPlan(definition, { baseDir: "/x", now: 1 })).toMatchObject({
          version: 1,
          changed: false,
        });
        const changed = parsePlanObject({ plan: "v", tasks: { a: { kind: "noop" }, b: { kind: "noop" } } });
        expect(await store.importPlan(changed, { baseDir: "/x", now: 2 })).toMatchObject({
          version: 2,
          changed: true,
        });
        expect(await store.getPlanDefinition("v")).toMatchObject({
          baseDir: "/x",
          version: 2,
          definition: changed,
        });
        await store.setTaskPositions("v", [{ key: "a", x: 1, y: 2 }]);
        expect(await store.getTaskPositions("v")).toEqual({ a: { x: 1, y: 2 } });
        expect((await store.getPlanDefinition("v")).version).toBe(2);
        await expect(store.getPlanDefinition("nope")).rejects.toBeInstanceOf(NotFoundError);
      });

      it("refuses an import based on a version another connection has moved on from, changing nothing", async () => {
        const v1 = parsePlanObject({ plan: "race", tasks: { a: { kind: "noop" } } });
        await store.importPlan(v1, { baseDir: null, now: 0, expectedVersion: 0 });
        const other = await subject.connectAgain();
        const theirs = parsePlanObject({ plan: "race", tasks: { a: { kind: "noop" }, b: { kind: "noop" } } });
        await other.importPlan(theirs, { baseDir: null, now: 1 });
        const mine = parsePlanObject({ plan: "race", tasks: { a: { kind: "noop" }, c: { kind: "noop" } } });
        const refused = store.importPlan(mine, { baseDir: null, now: 2, expectedVersion: 1 });
        await expect(refused).rejects.toBeInstanceOf(StalePlanVersionError);
        await expect(refused).rejects.toMatchObject({ baseVersion: 1, currentVersion: 2 });
        expect(await store.getPlanDefinition("race")).toMatchObject({ version: 2, definition: theirs });
        // Based on the version it read, the same write goes through.
        expect(await store.importPlan(mine, { baseDir: null, now: 3, expectedVersion: 2 })).toMatchObject({
          version: 3,
          changed: true,
        });
        // A plan that does not exist yet is version 0.
        const fresh = parsePlanObject({ plan: "fresh", tasks: { a: { kind: "noop" } } });
        await expect(
          store.importPlan(fresh, { baseDir: null, now: 4, expectedVersion: 1 }),
        ).rejects.toMatchObject({
          currentVersion: 0,
        });
      });

      it("creates a queued run whose tasks carry the run's params", async () => {
        const definition = parsePlanObject({
          plan: "params",
          params: { who: "world" },
          tasks: { a: { kind: "noop" } },
        });
        await store.importPlan(definition, { baseDir: null, now: 0 });
        const created = await store.createRun({
          planSlug: "params",
          trigger: "cli",
          params: { who: "you" },
          now: 0,
        });
        expect(created).toMatchObject({ planSlug: "params", planVersion: 1, taskCount: 1 });
        expect(await store.getRunStatus(created.runId)).toBe("queued");
        const [a] = await claim("w", 1);
        expect(a?.params).toEqual({ who: "you" });
      });
    });

    describe("embeddings for hybrid retrieval", () => {
      it("stores vectors by embedder and content hash, keeps the first, and reads many at once", async () => {
        expect(await context.getEmbeddings("m", ["h1"])).toEqual(new Map());
        await context.saveEmbeddings("m", [{ hash: "h1", vector: [0.25, -1, 3e-7] }], 1);
        await context.saveEmbeddings(
          "m",
          [
            { hash: "h1", vector: [9] },
            { hash: "h2", vector: [1, 2] },
          ],
          2,
        );
        await context.saveEmbeddings("other", [{ hash: "h1", vector: [7] }], 3);
        const many = Array.from({ length: 600 }, (_, i) => ({ hash: `bulk${i}`, vector: [i] }));
        await context.saveEmbeddings("m", many, 4);
        const read = await context.getEmbeddings("m", ["h1", "h2", "h3", ...many.map((e) => e.hash)]);
        expect(read.get("h1")).toEqual([0.25, -1, 3e-7]);
        expect(read.get("h2")).toEqual([1, 2]);
        expect(read.has("h3")).toBe(false);
        expect(read.get("bulk599")).toEqual([599]);
        expect(read.size).toBe(602);
        expect(await context.getEmbeddings("other", ["h1"])).toEqual(new Map([["h1", [7]]]));
      });
    });

    describe("outputs for context bundles", () => {
      it("lists output versions without texts, reads texts by task run, and stamps every change", async () => {
        const runId = await startRun({ a: { kind: "noop" }, b: { kind: "noop" } }, "ctx");
        const before = await context.planContextStamp("ctx");
        expect(before.planVersion).toBe(1);
        const [a, b] = await claim("w", 1);
        await complete(a, "w", 2, succeeded("alpha"));
        const afterA = await context.planContextStamp("ctx");
        expect(afterA.outputs).not.toBe(before.outputs);
        expect(await context.planContextStamp("ctx")).toEqual(afterA);

        const versions = await context.latestOutputVersions("ctx");
        expect(versions).toEqual([{ taskKey: "a", taskRunId: a?.id, finishedAt: 2 }]);
        expect(await context.successfulOutputVersions(runId)).toEqual(versions);
        expect(await context.outputTexts([a?.id ?? -1, b?.id ?? -1, 987_654])).toEqual([
          { taskRunId: a?.id, finishedAt: 2, outputText: "alpha" },
          { taskRunId: b?.id, finishedAt: null, outputText: null },
        ]);

        await complete(b, "w", 3, succeeded("beta"));
        expect((await context.planContextStamp("ctx")).outputs).not.toBe(afterA.outputs);
        // A second run's output of `a` becomes the latest; the first run's versions stay its own.
        const second = (await store.createRun({ planSlug: "ctx", trigger: "api", params: {}, now: 4 })).runId;
        const [a2] = (await claim("w", 5)).filter((t) => t.runId === second && t.taskKey === "a");
        await complete(a2, "w", 6, succeeded("alpha 2"));
        const latest = await context.latestOutputVersions("ctx");
        expect(latest.find((v) => v.taskKey === "a")).toEqual({
          taskKey: "a",
          taskRunId: a2?.id,
          finishedAt: 6,
        });
        expect((await context.successfulOutputVersions(runId)).map((v) => v.taskRunId)).toEqual([
          a?.id,
          b?.id,
        ]);
        await expect(context.planContextStamp("nope")).rejects.toBeInstanceOf(NotFoundError);
      });
    });
  });
}
