import {
  type AttemptOutcome,
  BadInputError,
  type ClaimedTaskRun,
  ConflictError,
  type EventRecord,
  IllegalActionError,
  NotFoundError,
  type OperatorAudit,
  parsePlanObject,
  type TaskActionInput,
} from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { latestStatuses } from "./event-statuses.ts";
import type { ContractStore } from "./store-contract.ts";

/**
 * The operator-action and output-cache part of the store contract (run on every store by
 * `describeStoreContract`): each action's effect on the task, its dependents and the run, observed through
 * the ports and the event log, and the typed refusals that leave nothing changed.
 */
export function describeOperatorContract(current: () => ContractStore): void {
  const LEASE = 1_000;
  const audit: OperatorAudit = { actor: "cli:ana", reason: "checked by hand" };
  const ok: AttemptOutcome = { status: "succeeded", exitCode: 0, outputText: "done", outputJson: null };
  const failure: AttemptOutcome = {
    status: "failed",
    exitCode: 1,
    error: "boom",
    reason: "exit_code",
    retryAt: null,
  };

  async function startRun(tasks: Record<string, unknown>): Promise<string> {
    const store = current();
    await store.importPlan(parsePlanObject({ plan: "ops", tasks }), { baseDir: null, now: 0 });
    return (await store.createRun({ planSlug: "ops", trigger: "cli", params: {}, now: 0 })).runId;
  }
  const claim = (now: number) => current().claimTaskRuns({ workerId: "w", limit: 10, leaseMs: LEASE, now });
  const complete = (task: ClaimedTaskRun | undefined, now: number, outcome: AttemptOutcome = ok) =>
    current().completeTaskRuns(
      [{ taskRunId: task?.id ?? -1, attempt: task?.attempt ?? -1, workerId: "w", outcome }],
      now,
    );
  const act = (input: Omit<TaskActionInput, "audit"> & { audit?: OperatorAudit }) =>
    current().applyTaskAction({ audit, ...input });
  const events = (runId: string): Promise<EventRecord[]> =>
    current().readEvents({ afterId: 0, runId, limit: 100_000 });
  const statuses = async (runId: string) => latestStatuses(await events(runId));
  const actions = async (runId: string) =>
    (await events(runId))
      .filter((e) => e.type === "operator.action")
      .map((e) => ({ task: e.taskKey, ...e.data }));

  describe("operator actions", () => {
    it("resolve: a failed task succeeds with the given output, its blocked dependents run with it", async () => {
      const runId = await startRun({ a: { kind: "noop" }, b: { kind: "noop", requires: ["a"] } });
      const [a] = await claim(1);
      await complete(a, 2, failure);
      expect(await current().getRunStatus(runId)).toBe("failed");
      await act({ action: "resolve", runId, taskKey: "a", output: "fixed by hand", now: 3 });
      expect(await current().getRunStatus(runId)).toBe("running");
      const [b] = await claim(4);
      expect(b?.taskKey).toBe("b");
      expect(b?.upstream.a).toEqual({ output: "fixed by hand", json: null });
      await complete(b, 5);
      expect(await current().getRunStatus(runId)).toBe("succeeded");
      expect(await actions(runId)).toEqual([
        {
          task: "a",
          action: "resolve",
          actor: "cli:ana",
          reason: "checked by hand",
          output: "fixed by hand",
        },
      ]);
    });

    it("resolve: a blocked task lets its own dependents go on while the failure stays", async () => {
      const runId = await startRun({
        a: { kind: "noop" },
        b: { kind: "noop", requires: ["a"] },
        c: { kind: "noop", requires: ["b"] },
      });
      await complete((await claim(1))[0], 2, failure);
      await act({ action: "resolve", runId, taskKey: "b", output: '{"n":1}', now: 3 });
      const [c] = await claim(4);
      expect(c?.taskKey).toBe("c");
      await complete(c, 5);
      expect(await statuses(runId)).toEqual({ a: "failed", b: "succeeded", c: "succeeded" });
      expect(await current().getRunStatus(runId)).toBe("failed");
    });

    it("skip: dependents treat a skipped task as done with no output, and a later failure does not pass it", async () => {
      const runId = await startRun({
        a: { kind: "noop" },
        s: { kind: "noop", requires: ["a"] },
        c: { kind: "noop", requires: ["s"] },
      });
      await act({ action: "skip", runId, taskKey: "s", now: 1 });
      const claimed = await claim(2);
      expect(claimed.map((t) => t.taskKey)).toEqual(["a", "c"]);
      expect(claimed[1]?.upstream.s).toEqual({ output: null, json: null });
      await complete(claimed[0], 3, failure);
      await complete(claimed[1], 4);
      expect(await statuses(runId)).toEqual({ a: "failed", s: "skipped", c: "succeeded" });
    });

    it("reset-attempts: a retrying task gets its whole retry budget again", async () => {
      const runId = await startRun({ a: { kind: "noop", retries: { max: 1 } } });
      const [first] = await claim(1);
      await complete(first, 2, { ...failure, retryAt: 3 } as AttemptOutcome);
      await act({
        action: "reset-attempts",
        runId,
        taskKey: "a",
        audit: { actor: "dashboard", reason: null },
        now: 3,
      });
      const [second] = await claim(3);
      expect(second?.maxAttempts).toBe(3);
      expect(await actions(runId)).toEqual([
        { task: "a", action: "reset-attempts", actor: "dashboard", reason: null, attempt: 1, maxAttempts: 3 },
      ]);
    });

    it("cancel: one running task stops (its lease is gone), its dependents are blocked, the run fails", async () => {
      const runId = await startRun({
        a: { kind: "noop" },
        b: { kind: "noop", requires: ["a"] },
        side: { kind: "noop" },
      });
      const [a, side] = await claim(1);
      if (!a || !side) throw new Error("expected two claims");
      await act({ action: "cancel", runId, taskKey: "a", now: 2 });
      expect(await current().cancelRequested([a.id, side.id])).toEqual([a.id]);
      expect(await current().heartbeat("w", [a.id, side.id], LEASE, 3)).toEqual([a.id]);
      expect((await complete(a, 4)).stale).toEqual([a.id]);
      await complete(side, 5);
      expect(await statuses(runId)).toEqual({ a: "cancelled", b: "blocked", side: "succeeded" });
      expect(await current().getRunStatus(runId)).toBe("failed");
    });

    it("refuses illegal actions with typed errors and changes nothing", async () => {
      const runId = await startRun({
        a: { kind: "noop" },
        j: { kind: "noop", output: "json", requires: ["a"] },
      });
      const [a] = await claim(1);
      const before = (await events(runId)).length;
      await expect(act({ action: "skip", runId, taskKey: "a", now: 2 })).rejects.toThrow(IllegalActionError);
      await expect(act({ action: "resolve", runId, taskKey: "a", now: 2 })).rejects.toThrow(
        "cannot resolve task `a`: it is running",
      );
      await expect(act({ action: "cancel", runId, taskKey: "nope", now: 2 })).rejects.toThrow(NotFoundError);
      await expect(act({ action: "cancel", runId: "run_nope", taskKey: "a", now: 2 })).rejects.toThrow(
        NotFoundError,
      );
      await complete(a, 3, failure);
      await expect(
        act({ action: "resolve", runId, taskKey: "j", output: "not json", now: 4 }),
      ).rejects.toThrow(BadInputError);
      expect((await events(runId)).length).toBe(before + 3); // only the failure's own events
    });

    it("retry with an audit writes who and why", async () => {
      const runId = await startRun({ a: { kind: "noop" } });
      await complete((await claim(1))[0], 2, failure);
      await current().retryTaskRun(runId, "a", 3, "frozen", { actor: "dashboard", reason: "flaky network" });
      expect(await actions(runId)).toEqual([
        { task: "a", action: "retry", actor: "dashboard", reason: "flaky network", definition: "frozen" },
      ]);
    });
  });

  describe("reruns", () => {
    it("starts the reused task runs succeeded with the source outputs, and runs the rest", async () => {
      const source = await startRun({ a: { kind: "noop" }, b: { kind: "noop", requires: ["a"] } });
      const [a] = await claim(1);
      await complete(a, 2, { ...ok, outputText: "from a" });
      await complete((await claim(3))[0], 4);
      const rerun = await current().createRun({
        planSlug: "ops",
        trigger: "cli",
        params: {},
        now: 5,
        reuse: { sourceRunId: source, taskKeys: ["a"], fromTask: "b", audit },
      });
      const [b] = await claim(6);
      expect(b?.taskKey).toBe("b");
      expect(b?.upstream.a).toEqual({ output: "from a", json: null });
      const reused = (await events(rerun.runId)).find(
        (e) => e.type === "task_run.status" && e.taskKey === "a",
      );
      expect(reused?.toStatus).toBe("succeeded");
      expect(reused?.data).toMatchObject({
        operator: "rerun",
        reusedFrom: { runId: source, taskRunId: a?.id },
      });
      expect(await actions(rerun.runId)).toEqual([
        expect.objectContaining({ action: "rerun", actor: "cli:ana", sourceRunId: source, reused: ["a"] }),
      ]);
      expect(await actions(source)).toEqual([
        expect.objectContaining({ action: "rerun", rerunId: rerun.runId }),
      ]);
    });

    it("refuses to reuse a task that did not succeed in the source run, creating no run", async () => {
      const source = await startRun({ a: { kind: "noop" }, b: { kind: "noop", requires: ["a"] } });
      await complete((await claim(1))[0], 2, failure);
      const runsBefore = (await current().readEvents({ afterId: 0, limit: 100_000 })).filter(
        (e) => e.type === "run.created",
      ).length;
      await expect(
        current().createRun({
          planSlug: "ops",
          trigger: "cli",
          params: {},
          now: 3,
          reuse: { sourceRunId: source, taskKeys: ["a"], fromTask: "b", audit },
        }),
      ).rejects.toThrow(ConflictError);
      const runsAfter = (await current().readEvents({ afterId: 0, limit: 100_000 })).filter(
        (e) => e.type === "run.created",
      ).length;
      expect(runsAfter).toBe(runsBefore);
    });

    it("starts the left-out task runs skipped: one task runs alone, its dependents are not held back", async () => {
      const source = await startRun({
        a: { kind: "noop" },
        x: { kind: "noop" },
        s: { kind: "noop", requires: ["a", "x"] },
        d: { kind: "noop", requires: ["s"] },
      });
      const [a, x] = await claim(1);
      await complete(a, 2, { ...ok, outputText: "from a" });
      await complete(x, 2, failure);
      const replay = await current().createRun({
        planSlug: "ops",
        trigger: "cli",
        params: {},
        now: 5,
        reuse: {
          sourceRunId: source,
          taskKeys: ["a"],
          fromTask: "s",
          audit,
          skipTaskKeys: ["x", "d"],
          action: "replay",
        },
      });
      const claimed = await claim(6);
      expect(claimed.map((t) => t.taskKey)).toEqual(["s"]);
      expect(claimed[0]?.upstream).toEqual({
        a: { output: "from a", json: null },
        x: { output: null, json: null },
      });
      await complete(claimed[0], 7);
      expect(await statuses(replay.runId)).toEqual({
        a: "succeeded",
        x: "skipped",
        s: "succeeded",
        d: "skipped",
      });
      expect(await current().getRunStatus(replay.runId)).toBe("succeeded");
      const skip = (await events(replay.runId)).find(
        (e) => e.type === "task_run.status" && e.taskKey === "x",
      );
      expect(skip?.data).toMatchObject({ operator: "replay", skippedFor: "s" });
      // Audited as a replay of `s`, in both runs, naming the other run: not as a rerun.
      expect(await actions(replay.runId)).toEqual([
        { task: "s", action: "replay", actor: audit.actor, reason: audit.reason, sourceRunId: source },
      ]);
      expect((await actions(source)).at(-1)).toEqual({
        task: "s",
        action: "replay",
        actor: audit.actor,
        reason: audit.reason,
        replayId: replay.runId,
      });
    });
  });

  describe("output cache", () => {
    it("stores a cached task's success under its key and finds it only within the window", async () => {
      const runId = await startRun({ a: { kind: "noop" } });
      const [a] = await claim(1);
      await complete(a, 100, { ...ok, outputText: "v1", cache: { key: "k1", hit: null } });
      const lookup = { planSlug: "ops", taskKey: "a", key: "k1" };
      expect(await current().findCachedOutput({ ...lookup, notBefore: 100 })).toEqual({
        key: "k1",
        outputText: "v1",
        outputJson: null,
        exitCode: 0,
        sourceRunId: runId,
        sourceTaskRunId: a?.id,
        storedAt: 100,
      });
      expect(await current().findCachedOutput({ ...lookup, notBefore: 101 })).toBeNull();
      expect(await current().findCachedOutput({ ...lookup, key: "k2", notBefore: 0 })).toBeNull();
    });

    it("records a hit as completed from the cache, pointing at the source run", async () => {
      const first = await startRun({ a: { kind: "noop" } });
      await complete((await claim(1))[0], 2, { ...ok, outputText: "v1", cache: { key: "k", hit: null } });
      const hit = await current().findCachedOutput({ planSlug: "ops", taskKey: "a", key: "k", notBefore: 0 });
      const second = (await current().createRun({ planSlug: "ops", trigger: "cli", params: {}, now: 3 }))
        .runId;
      await complete((await claim(4))[0], 5, { ...ok, outputText: "v1", cache: { key: "k", hit } });
      const cacheEvents = (await events(second)).filter((e) => e.type === "task_run.cache");
      expect(cacheEvents.map((e) => e.data)).toEqual([
        { key: "k", hit: true, sourceRunId: first, sourceTaskRunId: hit?.sourceTaskRunId, storedAt: 2 },
      ]);
    });
  });
}
