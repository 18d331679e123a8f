import { type AttemptOutcome, type ClaimedTaskRun, type EventRecord, parsePlanObject } from "@taskloom/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { latestStatuses } from "./event-statuses.ts";
import type { ContractStore, StoreUnderTest } from "./store-contract.ts";

/**
 * The parameter-sweep part of the store contract: expansion at run start and from an `itemsFrom` upstream,
 * readiness of dependents with `need: all` and `need: any`, `maxParallel` in the claim, and an operator retry
 * of one point. Observed through the ports and the event log, with explicit times.
 */
export function describeSweepContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`sweep contract: ${name}`, () => {
    const LEASE = 1_000;
    let subject: StoreUnderTest;
    let store: ContractStore;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.close();
    });

    async function startRun(tasks: Record<string, unknown>): Promise<string> {
      await store.importPlan(parsePlanObject({ plan: "sweep", tasks }), { baseDir: null, now: 0 });
      return (await store.createRun({ planSlug: "sweep", trigger: "api", params: {}, now: 0 })).runId;
    }
    const claim = (now: number, limit = 20) =>
      store.claimTaskRuns({ workerId: "w", limit, leaseMs: LEASE, now });
    const json = (value: unknown): AttemptOutcome => ({
      status: "succeeded",
      exitCode: 0,
      outputText: JSON.stringify(value),
      outputJson: JSON.stringify(value),
    });
    const failure: AttemptOutcome = {
      status: "failed",
      exitCode: 1,
      error: "boom",
      reason: "exit_code",
      retryAt: null,
    };
    const complete = (
      tasks: (ClaimedTaskRun | undefined)[],
      now: number,
      outcome: (t: ClaimedTaskRun) => AttemptOutcome,
    ) =>
      store.completeTaskRuns(
        tasks.flatMap((task) =>
          task ? [{ taskRunId: task.id, attempt: task.attempt, workerId: "w", outcome: outcome(task) }] : [],
        ),
        now,
      );
    const events = (runId: string): Promise<EventRecord[]> =>
      store.readEvents({ afterId: 0, runId, limit: 100_000 });
    const statuses = async (runId: string) => latestStatuses(await events(runId));
    const runStatus = async (runId: string) =>
      (await events(runId)).filter((e) => e.type === "run.status").at(-1)?.toStatus ?? "queued";
    const keys = (claimed: ClaimedTaskRun[]) => claimed.map((task) => task.taskKey).sort();

    it("expands a matrix at run start into points that wait for the upstream, and gives the dependent their outputs in order", async () => {
      const runId = await startRun({
        prep: { kind: "noop" },
        train: {
          kind: "noop",
          params: { base: "b" },
          requires: ["prep"],
          sweep: { matrix: { lr: [1, 2], opt: ["sgd", "adam"] } },
        },
        report: { kind: "noop", requires: ["train"] },
      });
      const first = await claim(1);
      expect(keys(first)).toEqual(["prep"]);
      await complete(first, 2, () => json("prepped"));
      const points = await claim(3);
      expect(keys(points)).toEqual(["train[0]", "train[1]", "train[2]", "train[3]"]);
      const byIndex = [...points].sort((a, b) => (a.point?.index ?? 0) - (b.point?.index ?? 0));
      expect(byIndex.map((task) => task.point)).toEqual([
        { index: 0, params: { lr: 1, opt: "sgd" } },
        { index: 1, params: { lr: 1, opt: "adam" } },
        { index: 2, params: { lr: 2, opt: "sgd" } },
        { index: 3, params: { lr: 2, opt: "adam" } },
      ]);
      expect(byIndex[3]?.params).toEqual({ base: "b", lr: 2, opt: "adam" });
      expect(byIndex[0]?.upstream.prep?.output).toBe('"prepped"');
      // Three of four: the dependent still waits.
      await complete(byIndex.slice(0, 3), 4, (task) => json({ loss: task.point?.index }));
      expect(await claim(5)).toEqual([]);
      await complete(byIndex.slice(3), 6, (task) => json({ loss: task.point?.index }));
      const [report] = await claim(7);
      expect(report?.taskKey).toBe("report");
      expect(report?.upstream.train?.json).toEqual([{ loss: 0 }, { loss: 1 }, { loss: 2 }, { loss: 3 }]);
      await complete([report], 8, () => json(null));
      expect((await statuses(runId)).train).toBe("succeeded");
      expect(await runStatus(runId)).toBe("succeeded");
    });

    it("with need: all, a failed point blocks the dependents; retrying that point alone lets them go on", async () => {
      const runId = await startRun({
        train: { kind: "noop", sweep: { items: [{ n: 1 }, { n: 2 }, { n: 3 }] } },
        report: { kind: "noop", requires: ["train"] },
      });
      const points = await claim(1);
      const failing = points.find((task) => task.taskKey === "train[1]");
      await complete(points, 2, (task) => (task === failing ? failure : json(task.point?.params.n)));
      expect(await statuses(runId)).toMatchObject({
        "train[1]": "failed",
        train: "blocked",
        report: "blocked",
      });
      expect(await runStatus(runId)).toBe("failed");

      await store.retryTaskRun(runId, "train[1]", 3, "frozen");
      const again = await claim(4);
      expect(keys(again)).toEqual(["train[1]"]);
      expect(again[0]?.params).toEqual({ n: 2 });
      await complete(again, 5, () => json(2));
      const [report] = await claim(6);
      expect(report?.upstream.train?.json).toEqual([1, 2, 3]);
      await complete([report], 7, () => json(null));
      expect(await runStatus(runId)).toBe("succeeded");
    });

    it("skipping a swept task skips its points that have not started, and its dependents go on", async () => {
      const runId = await startRun({
        prep: { kind: "noop" },
        train: { kind: "noop", requires: ["prep"], sweep: { items: [{ n: 1 }, { n: 2 }] } },
        report: { kind: "noop", requires: ["train"] },
      });
      await store.applyTaskAction({
        action: "skip",
        runId,
        taskKey: "train",
        audit: { actor: "ops", reason: "not needed today" },
        now: 1,
      });
      expect(await statuses(runId)).toMatchObject({
        train: "skipped",
        "train[0]": "skipped",
        "train[1]": "skipped",
      });
      // `report` needs only the skipped sweep: it is ready at once, and no point is ever claimed.
      const left = await claim(2);
      expect(keys(left)).toEqual(["prep", "report"]);
      await complete(left, 3, () => json(null));
      expect(await claim(4)).toEqual([]);
      expect(await runStatus(runId)).toBe("succeeded");
    });

    it("with need: any, the first point that succeeds releases the dependents and failed points do not fail the run", async () => {
      const runId = await startRun({
        probe: { kind: "noop", sweep: { items: [{ host: "a" }, { host: "b" }, { host: "c" }], need: "any" } },
        use: { kind: "noop", requires: ["probe"] },
      });
      const points = await claim(1);
      const [a, b, c] = [...points].sort((x, y) => (x.point?.index ?? 0) - (y.point?.index ?? 0));
      await complete([a], 2, () => failure);
      // One point failed, others may still succeed: nothing is blocked.
      expect((await statuses(runId)).probe).toBeUndefined();
      expect((await statuses(runId)).use).toBeUndefined();
      await complete([b], 3, () => json("b-up"));
      const [use] = await claim(4);
      expect(use?.taskKey).toBe("use");
      expect(use?.upstream.probe?.json).toEqual([null, "b-up", null]);
      // `c` was stopped when `b` satisfied the sweep: its late result is stale.
      expect((await complete([c, use], 5, (task) => (task === c ? failure : json(null)))).stale).toEqual([
        c?.id,
      ]);
      expect(await statuses(runId)).toMatchObject({
        probe: "succeeded",
        "probe[0]": "failed",
        "probe[2]": "cancelled",
        use: "succeeded",
      });
      expect(await runStatus(runId)).toBe("succeeded");
    });

    it("with need: any, the first success stops the other points: unstarted ones are skipped, running and retrying ones cancelled", async () => {
      const runId = await startRun({
        probe: {
          kind: "noop",
          retries: { max: 2 },
          sweep: { items: [{ host: "a" }, { host: "b" }, { host: "c" }, { host: "d" }], need: "any" },
        },
        use: { kind: "noop", requires: ["probe"] },
      });
      const started = await claim(1, 3);
      const [a, b, c] = [...started].sort((x, y) => (x.point?.index ?? 0) - (y.point?.index ?? 0));
      if (!a || !b || !c) throw new Error("expected three points claimed");
      await complete([a], 2, () => ({ ...failure, retryAt: 3_600_000 }));
      expect((await statuses(runId))["probe[0]"]).toBe("retrying");

      await complete([b], 3, () => json("b-up"));
      expect(await statuses(runId)).toMatchObject({
        probe: "succeeded",
        "probe[0]": "cancelled",
        "probe[1]": "succeeded",
        "probe[2]": "cancelled",
        "probe[3]": "skipped",
      });
      const stopped = (await events(runId)).find(
        (e) => e.taskKey === "probe[2]" && e.toStatus === "cancelled",
      );
      expect(stopped?.data).toMatchObject({
        reason: "cancelled",
        error: expect.stringContaining("another point of `probe` succeeded"),
        notNeeded: "probe",
      });
      // The worker running `c` is told to stop it, as after a cancel, and its result is not recorded.
      expect(await store.cancelRequested([c.id])).toEqual([c.id]);
      expect((await complete([c], 4, () => json("c-up"))).stale).toEqual([c.id]);

      // Nothing of the sweep is claimed again, not even the retry that was due later.
      const [use, ...more] = await claim(3_600_001);
      expect(more).toEqual([]);
      expect(use?.taskKey).toBe("use");
      expect(use?.upstream.probe?.json).toEqual([null, "b-up", null, null]);
      await complete([use], 3_600_002, () => json(null));
      expect(await runStatus(runId)).toBe("succeeded");
    });

    it("with need: any, points completing in one batch settle the sweep once", async () => {
      const runId = await startRun({
        probe: { kind: "noop", sweep: { items: [{ host: "a" }, { host: "b" }], need: "any" } },
        use: { kind: "noop", requires: ["probe"] },
      });
      await complete(await claim(1), 2, (task) => json(task.point?.params.host));
      const [use] = await claim(3);
      expect(use?.upstream.probe?.json).toEqual(["a", "b"]);
      await complete([use], 4, () => json(null));
      expect(await runStatus(runId)).toBe("succeeded");
    });

    it("with need: any, the dependents are blocked once every point has failed", async () => {
      const runId = await startRun({
        probe: { kind: "noop", sweep: { items: [{ host: "a" }, { host: "b" }], need: "any" } },
        use: { kind: "noop", requires: ["probe"] },
      });
      await complete(await claim(1), 2, () => failure);
      expect(await statuses(runId)).toMatchObject({ probe: "blocked", use: "blocked" });
      expect(await runStatus(runId)).toBe("failed");
    });

    it("retrying a sweep whose itemsFrom output was not a list runs that upstream again and expands from its new output", async () => {
      const runId = await startRun({
        gen: { kind: "noop", output: "json" },
        slow: { kind: "noop" },
        work: { kind: "noop", requires: ["gen"], sweep: { itemsFrom: "gen" } },
        both: { kind: "noop", requires: ["gen", "slow"] },
        sum: { kind: "noop", requires: ["work"] },
      });
      const first = await claim(1);
      const gen = first.find((task) => task.taskKey === "gen");
      const slow = first.find((task) => task.taskKey === "slow");
      await complete([gen], 2, () => json({ files: ["a", "b"] }));
      expect(await statuses(runId)).toMatchObject({ gen: "succeeded", work: "failed", sum: "blocked" });
      expect(await runStatus(runId)).toBe("running");

      await store.retryTaskRun(runId, "work", 3, "frozen", { actor: "ops", reason: "gen fixed" });
      expect(await statuses(runId)).toMatchObject({ gen: "ready", work: "pending", sum: "pending" });
      const retried = (await events(runId)).filter((e) => e.type === "operator.action");
      expect(retried.map((e) => [e.taskKey, e.toStatus, e.data?.source])).toEqual([
        ["work", "pending", "gen"],
      ]);
      // `both` had counted `gen` as done: it waits for the new run of `gen` too, not only for `slow`.
      await complete([slow], 4, () => json(null));
      const [again, ...rest] = await claim(5);
      expect(rest).toEqual([]);
      expect(again).toMatchObject({ taskKey: "gen", attempt: 2 });

      await complete([again], 6, () => json(["a", "b"]));
      const next = await claim(7);
      expect(keys(next)).toEqual(["both", "work[0]", "work[1]"]);
      expect(next.find((task) => task.taskKey === "both")?.upstream.gen?.json).toEqual(["a", "b"]);
      await complete(next, 8, (task) => json(task.point?.params.item ?? null));
      const [sum] = await claim(9);
      expect(sum?.upstream.work?.json).toEqual(["a", "b"]);
      await complete([sum], 10, () => json(null));
      expect(await runStatus(runId)).toBe("succeeded");
    });

    it("refuses to retry a sweep that did not fail on its itemsFrom, pointing at its points", async () => {
      const runId = await startRun({
        train: { kind: "noop", sweep: { items: [{ n: 1 }, { n: 2 }] } },
      });
      await complete(await claim(1), 2, () => failure);
      expect((await statuses(runId)).train).toBe("blocked");
      await expect(store.retryTaskRun(runId, "train", 3, "frozen")).rejects.toThrow(
        "retry its failed points (`train[N]`)",
      );
    });

    it("runs at most maxParallel points of a sweep at once", async () => {
      await startRun({
        train: { kind: "noop", sweep: { matrix: { n: [1, 2, 3, 4, 5] }, maxParallel: 2 } },
        other: { kind: "noop" },
      });
      const first = await claim(1);
      expect(keys(first)).toEqual(["other", "train[0]", "train[1]"]);
      expect(await claim(2)).toEqual([]);
      await complete(
        first.filter((task) => task.taskKey === "train[0]"),
        3,
        () => json(1),
      );
      expect(keys(await claim(4))).toEqual(["train[2]"]);
    });

    it("itemsFrom makes one point per element of the upstream's JSON array when it succeeds", async () => {
      const runId = await startRun({
        gen: { kind: "noop", output: "json" },
        work: { kind: "noop", requires: ["gen"], sweep: { itemsFrom: "gen" } },
        sum: { kind: "noop", requires: ["work"] },
      });
      const [gen] = await claim(1);
      await complete([gen], 2, () => json([{ file: "a.csv", rows: 2 }, "b.csv"]));
      const points = await claim(3);
      expect(keys(points)).toEqual(["work[0]", "work[1]"]);
      const byIndex = [...points].sort((x, y) => (x.point?.index ?? 0) - (y.point?.index ?? 0));
      expect(byIndex.map((task) => task.point?.params)).toEqual([
        { file: "a.csv", rows: 2 },
        { item: "b.csv" },
      ]);
      expect(points[0]?.upstream.gen?.json).toEqual([{ file: "a.csv", rows: 2 }, "b.csv"]);
      expect((await events(runId)).some((e) => e.type === "task_run.sweep" && e.taskKey === "work")).toBe(
        true,
      );
      await complete(points, 4, (task) => json(task.point?.index));
      const [sum] = await claim(5);
      expect(sum?.upstream.work?.json).toEqual([0, 1]);
    });

    it("itemsFrom fails the sweep with a clear reason on a non-array, and succeeds with no point on an empty one", async () => {
      const tasks = {
        gen: { kind: "noop", output: "json" },
        work: { kind: "noop", requires: ["gen"], sweep: { itemsFrom: "gen" } },
        sum: { kind: "noop", requires: ["work"] },
      };
      const bad = await startRun(tasks);
      await complete(await claim(1), 2, () => json({ not: "a list" }));
      expect(await statuses(bad)).toMatchObject({ work: "failed", sum: "blocked" });
      const failed = (await events(bad)).find((e) => e.taskKey === "work" && e.toStatus === "failed");
      expect(failed?.data).toMatchObject({
        reason: "sweep_items",
        error: expect.stringContaining("needs a JSON array"),
      });
      expect(await runStatus(bad)).toBe("failed");

      const empty = (await store.createRun({ planSlug: "sweep", trigger: "api", params: {}, now: 10 })).runId;
      const [gen] = await store.claimTaskRuns({
        workerId: "w",
        limit: 5,
        leaseMs: LEASE,
        now: 11,
        runId: empty,
      });
      await complete([gen], 12, () => json([]));
      const [sum] = await claim(13);
      expect(sum?.taskKey).toBe("sum");
      expect(sum?.upstream.work?.json).toEqual([]);
      expect((await statuses(empty)).work).toBe("succeeded");
    });
  });
}
