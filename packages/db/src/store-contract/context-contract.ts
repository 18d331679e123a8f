import {
  type AttemptOutcome,
  type ClaimedTaskRun,
  type ContextStore,
  NotFoundError,
  parsePlanObject,
  StalePlanVersionError,
  type StoredContextSnapshot,
} from "@taskloom/core";
import { describe, expect, it } from "vitest";
import type { ContractStore } from "./store-contract.ts";

/**
 * The context-store part of the store contract (run on every store by `describeStoreContract`): documents
 * and notes following the plan, overrides, approvals, snapshots, what LLM attempts record, replays and the
 * summary cache. Embeddings and output versions have their own cases in `store-contract.ts`. Times are the
 * ports' `now`.
 */
export function describeContextContract(
  current: () => { store: ContractStore; context: ContextStore },
): void {
  const LEASE = 1_000;
  const hashOf = (c: string) => c.repeat(64);
  const snapshot = (c: string, createdAt = 1): StoredContextSnapshot => ({
    hash: hashOf(c),
    json: JSON.stringify({ items: [c], text: `snapshot ${c} ✓` }),
    budget: 100,
    usedTokens: 42,
    createdAt,
  });
  const ok = (outputText: string): AttemptOutcome => ({
    status: "succeeded",
    exitCode: 0,
    outputText,
    outputJson: null,
  });
  const failure: AttemptOutcome = {
    status: "failed",
    exitCode: 1,
    error: "boom",
    reason: "exit_code",
    retryAt: null,
  };

  async function importPlan(tasks: Record<string, unknown>, slug = "ctx"): Promise<void> {
    await current().store.importPlan(parsePlanObject({ plan: slug, tasks }), { baseDir: null, now: 0 });
  }
  async function startRun(slug = "ctx", now = 0): Promise<string> {
    return (await current().store.createRun({ planSlug: slug, trigger: "api", params: {}, now })).runId;
  }
  const claim = (now: number) =>
    current().store.claimTaskRuns({ workerId: "w", limit: 10, leaseMs: LEASE, now });
  const complete = (task: ClaimedTaskRun | undefined, now: number, outcome: AttemptOutcome) =>
    current().store.completeTaskRuns(
      [{ taskRunId: task?.id ?? -1, attempt: task?.attempt ?? -1, workerId: "w", outcome }],
      now,
    );

  describe("context: documents and notes", () => {
    it("syncs the plan's documents as its whole set, and notes key by key", async () => {
      const { context } = current();
      await importPlan({ a: { kind: "noop" } });
      expect(await context.listDocuments("ctx")).toEqual([]);
      await context.syncPlanContext(
        "ctx",
        {
          documents: [
            { key: "spec", title: "Spec", text: "v1 — ünïcode" },
            { key: "glossary", title: "Glossary", text: "ARR" },
          ],
          notes: { audience: "CFO", tone: "dry" },
        },
        1,
      );
      expect(await context.listDocuments("ctx")).toEqual([
        { key: "glossary", title: "Glossary", text: "ARR" },
        { key: "spec", title: "Spec", text: "v1 — ünïcode" },
      ]);
      await context.setNote("ctx", "learned", "written at run time", 2);
      await context.setNote("ctx", "tone", "warm", 2);
      // A definition without `glossary` and without `tone`: the document goes (documents exist only in
      // definitions); the note goes only because it is named as removed; the run-time note stays.
      await context.syncPlanContext(
        "ctx",
        {
          documents: [{ key: "spec", title: "Spec v2", text: "v2" }],
          notes: { audience: "board" },
          removed: { documents: [], notes: ["tone"] },
        },
        3,
      );
      expect(await context.listDocuments("ctx")).toEqual([{ key: "spec", title: "Spec v2", text: "v2" }]);
      expect(await context.listNotes("ctx")).toEqual([
        { key: "audience", value: "board" },
        { key: "learned", value: "written at run time" },
      ]);
      await context.syncPlanContext("ctx", { documents: [], notes: {} }, 4);
      expect(await context.listDocuments("ctx")).toEqual([]);
      expect((await context.listNotes("ctx")).map((n) => n.key)).toEqual(["audience", "learned"]);
    });

    it("keeps each plan's documents, notes and overrides apart", async () => {
      const { context } = current();
      await importPlan({ a: { kind: "noop" } }, "one");
      await importPlan({ a: { kind: "noop" } }, "two");
      await context.syncPlanContext(
        "one",
        { documents: [{ key: "d", title: "D1", text: "1" }], notes: {} },
        1,
      );
      await context.syncPlanContext(
        "two",
        { documents: [{ key: "d", title: "D2", text: "2" }], notes: {} },
        1,
      );
      await context.setNote("one", "n", "1", 1);
      await context.setOverride("one", "a", "doc:d", "pin", 1);
      await context.syncPlanContext("two", { documents: [], notes: {} }, 2);
      expect(await context.listDocuments("one")).toEqual([{ key: "d", title: "D1", text: "1" }]);
      expect(await context.listDocuments("two")).toEqual([]);
      expect(await context.listNotes("two")).toEqual([]);
      expect((await context.listOverrides("one", "a")).map((o) => o.ref)).toEqual(["doc:d"]);
    });

    it("rejects unknown plans with NotFoundError", async () => {
      const { context } = current();
      await expect(context.listDocuments("nope")).rejects.toBeInstanceOf(NotFoundError);
      await expect(context.listNotes("nope")).rejects.toBeInstanceOf(NotFoundError);
      await expect(context.setNote("nope", "k", "v", 1)).rejects.toBeInstanceOf(NotFoundError);
      await expect(context.syncPlanContext("nope", { documents: [], notes: {} }, 1)).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(context.listOverrides("nope", "a")).rejects.toBeInstanceOf(NotFoundError);
      await expect(context.setOverride("nope", "a", "index", "pin", 1)).rejects.toBeInstanceOf(NotFoundError);
      await expect(context.getApproval("nope", "a")).rejects.toBeInstanceOf(NotFoundError);
      await expect(context.latestOutputs("nope")).rejects.toBeInstanceOf(NotFoundError);
      await expect(context.runsWithSnapshots("nope", "a", 5)).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe("context: overrides and approvals", () => {
    it("sets, replaces and removes overrides, oldest first", async () => {
      const { context } = current();
      await importPlan({ a: { kind: "noop" }, b: { kind: "noop" } });
      await context.setOverride("ctx", "a", "doc:spec", "pin", 10);
      await context.setOverride("ctx", "a", "task:b", "exclude", 20);
      await context.setOverride("ctx", "a", "index", "pin", 30);
      await context.setOverride("ctx", "b", "index", "exclude", 5);
      // Switching an action keeps the ref's place; removing one leaves the others.
      await context.setOverride("ctx", "a", "doc:spec", "exclude", 40);
      expect(await context.listOverrides("ctx", "a")).toEqual([
        { ref: "doc:spec", action: "exclude", createdAt: 10 },
        { ref: "task:b", action: "exclude", createdAt: 20 },
        { ref: "index", action: "pin", createdAt: 30 },
      ]);
      await context.setOverride("ctx", "a", "task:b", null, 50);
      await context.setOverride("ctx", "a", "note:absent", null, 50);
      expect((await context.listOverrides("ctx", "a")).map((o) => o.ref)).toEqual(["doc:spec", "index"]);
      expect(await context.listOverrides("ctx", "b")).toEqual([
        { ref: "index", action: "exclude", createdAt: 5 },
      ]);
    });

    it("approves a snapshot (storing it), re-approves, and clears one task's steering", async () => {
      const { context } = current();
      await importPlan({ a: { kind: "noop" }, b: { kind: "noop" } });
      expect(await context.getApproval("ctx", "a")).toBeNull();
      await context.approve("ctx", "a", snapshot("a"), 100);
      expect(await context.getApproval("ctx", "a")).toEqual({ snapshotHash: hashOf("a"), approvedAt: 100 });
      expect(await context.getSnapshot(hashOf("a"))).toEqual(snapshot("a"));
      await context.approve("ctx", "a", snapshot("b"), 200);
      expect(await context.getApproval("ctx", "a")).toEqual({ snapshotHash: hashOf("b"), approvedAt: 200 });
      await context.approve("ctx", "b", snapshot("b"), 300);
      await context.setOverride("ctx", "a", "index", "pin", 1);
      await context.setOverride("ctx", "b", "index", "pin", 1);
      await context.clearTask("ctx", "a");
      expect(await context.getApproval("ctx", "a")).toBeNull();
      expect(await context.listOverrides("ctx", "a")).toEqual([]);
      expect(await context.getApproval("ctx", "b")).toEqual({ snapshotHash: hashOf("b"), approvedAt: 300 });
      expect(await context.listOverrides("ctx", "b")).toHaveLength(1);
    });

    it("an import deletes the steering of tasks the plan no longer has, and moves that of renamed ones", async () => {
      const { store, context } = current();
      await importPlan({ a: { kind: "noop" }, b: { kind: "noop" }, gone: { kind: "noop" } });
      await context.setOverride("ctx", "a", "doc:spec", "pin", 1);
      await context.setOverride("ctx", "a", "task:gone", "exclude", 2);
      await context.approve("ctx", "a", snapshot("a"), 3);
      await context.setOverride("ctx", "b", "task:a", "pin", 4);
      await context.setOverride("ctx", "gone", "index", "pin", 5);
      await context.approve("ctx", "gone", snapshot("c"), 6);
      // `a` becomes `a2` and `gone` goes, in one import.
      const renamed = parsePlanObject({ plan: "ctx", tasks: { a2: { kind: "noop" }, b: { kind: "noop" } } });
      await store.importPlan(renamed, { baseDir: null, now: 7, reason: "edit", renamedTasks: { a: "a2" } });
      expect(await context.listOverrides("ctx", "a")).toEqual([]);
      expect(await context.getApproval("ctx", "a")).toBeNull();
      expect(await context.listOverrides("ctx", "a2")).toEqual([
        { ref: "doc:spec", action: "pin", createdAt: 1 },
        // A ref to a deleted task stays: the bundle shows it as dropped.
        { ref: "task:gone", action: "exclude", createdAt: 2 },
      ]);
      expect(await context.getApproval("ctx", "a2")).toEqual({ snapshotHash: hashOf("a"), approvedAt: 3 });
      expect(await context.listOverrides("ctx", "b")).toEqual([
        { ref: "task:a2", action: "pin", createdAt: 4 },
      ]);
      expect(await context.listOverrides("ctx", "gone")).toEqual([]);
      expect(await context.getApproval("ctx", "gone")).toBeNull();
    });

    it("a renamed task's steering replaces rows its new key held, and a refused import changes none", async () => {
      const { store, context } = current();
      await importPlan({ a: { kind: "noop" }, b: { kind: "noop" } });
      // Rows a key may hold from before (written when a task of that key existed): they give way.
      await context.setOverride("ctx", "new", "index", "exclude", 1);
      await context.approve("ctx", "new", snapshot("n"), 1);
      await context.setOverride("ctx", "a", "index", "pin", 2);
      await context.approve("ctx", "a", snapshot("a"), 2);
      // `b` steers both refs: it keeps the one to the renamed task (the other named no task).
      await context.setOverride("ctx", "b", "task:a", "pin", 3);
      await context.setOverride("ctx", "b", "task:new", "exclude", 4);
      const plan = parsePlanObject({ plan: "ctx", tasks: { new: { kind: "noop" }, b: { kind: "noop" } } });
      const stale = { baseDir: null, now: 5, renamedTasks: { a: "new" }, expectedVersion: 7 };
      await expect(store.importPlan(plan, stale)).rejects.toBeInstanceOf(StalePlanVersionError);
      expect(await context.listOverrides("ctx", "a")).toHaveLength(1);
      expect(await context.listOverrides("ctx", "b")).toHaveLength(2);

      await store.importPlan(plan, { baseDir: null, now: 5, renamedTasks: { a: "new" } });
      expect(await context.listOverrides("ctx", "new")).toEqual([
        { ref: "index", action: "pin", createdAt: 2 },
      ]);
      expect(await context.getApproval("ctx", "new")).toEqual({ snapshotHash: hashOf("a"), approvedAt: 2 });
      expect(await context.listOverrides("ctx", "b")).toEqual([
        { ref: "task:new", action: "pin", createdAt: 3 },
      ]);
    });
  });

  describe("context: snapshots and LLM attempts", () => {
    it("stores a snapshot once per hash, byte for byte", async () => {
      const { context } = current();
      expect(await context.getSnapshot(hashOf("e"))).toBeNull();
      await context.saveSnapshot(snapshot("e", 7));
      await context.saveSnapshot({ ...snapshot("e", 9), json: "{}" });
      expect(await context.getSnapshot(hashOf("e"))).toEqual(snapshot("e", 7));
    });

    it("records what each attempt sent and reads it back by attempt, and the runs that have one", async () => {
      const { context } = current();
      await importPlan({ s: { kind: "noop", retries: { max: 1 } }, other: { kind: "noop" } });
      const first = await startRun("ctx", 0);
      const [s1, other] = await claim(1);
      await context.saveSnapshot(snapshot("1"));
      await context.recordLlmAttempt({
        runId: first,
        taskKey: "s",
        attempt: 1,
        snapshotHash: hashOf("1"),
        model: "m",
      });
      await complete(s1, 2, { ...failure, retryAt: 3 } as AttemptOutcome);
      const [s2] = await claim(3);
      expect(s2?.attempt).toBe(2);
      await context.recordLlmAttempt({
        runId: first,
        taskKey: "s",
        attempt: 2,
        snapshotHash: hashOf("2"),
        model: "m",
        approvedSnapshotHash: hashOf("1"),
      });
      // Usage arrives later and leaves the other fields as they are.
      await context.recordLlmAttempt({
        runId: first,
        taskKey: "s",
        attempt: 2,
        promptTokens: 11,
        completionTokens: 5,
      });
      await complete(s2, 4, ok("answer"));
      await complete(other, 4, ok("other"));
      expect(await context.attemptSnapshots(first, "s")).toEqual([
        { attempt: 1, snapshotHash: hashOf("1") },
        { attempt: 2, snapshotHash: hashOf("2") },
      ]);
      expect(await context.llmAttempts(first, "s")).toEqual([
        {
          attempt: 1,
          snapshotHash: hashOf("1"),
          model: "m",
          promptTokens: null,
          completionTokens: null,
          approvedSnapshotHash: null,
        },
        {
          attempt: 2,
          snapshotHash: hashOf("2"),
          model: "m",
          promptTokens: 11,
          completionTokens: 5,
          approvedSnapshotHash: hashOf("1"),
        },
      ]);
      expect(await context.llmAttempts(first, "other")).toEqual([]);
      await expect(
        context.recordLlmAttempt({ runId: first, taskKey: "nope", attempt: 1, snapshotHash: hashOf("1") }),
      ).rejects.toBeInstanceOf(NotFoundError);

      const second = await startRun("ctx", 10);
      const [s3] = (await claim(11)).filter((t) => t.taskKey === "s");
      await context.recordLlmAttempt({ runId: second, taskKey: "s", attempt: 1, snapshotHash: hashOf("3") });
      await complete(s3, 12, ok("again"));
      expect(await context.runsWithSnapshots("ctx", "s", 10)).toEqual([
        { runId: second, createdAt: 10, status: "running", attempt: 1, snapshotHash: hashOf("3") },
        { runId: first, createdAt: 0, status: "succeeded", attempt: 2, snapshotHash: hashOf("2") },
      ]);
      expect((await context.runsWithSnapshots("ctx", "s", 1)).map((r) => r.runId)).toEqual([second]);
      expect(await context.runsWithSnapshots("ctx", "other", 10)).toEqual([]);
    });
  });

  describe("context: outputs, replays and the cache", () => {
    it("reads each task's latest successful output over the plan's runs, and one run's", async () => {
      const { context } = current();
      await importPlan({ a: { kind: "noop" }, b: { kind: "noop" }, c: { kind: "noop" } });
      const first = await startRun("ctx", 0);
      const [a, b, c] = await claim(1);
      await complete(a, 2, ok("a1"));
      await complete(b, 3, ok("b1"));
      await complete(c, 3, failure);
      const second = await startRun("ctx", 4);
      const [a2] = (await claim(5)).filter((t) => t.taskKey === "a");
      await complete(a2, 6, ok("a2"));
      const latest = await context.latestOutputs("ctx");
      expect(latest.sort((x, y) => x.taskKey.localeCompare(y.taskKey))).toEqual([
        { taskKey: "a", outputText: "a2" },
        { taskKey: "b", outputText: "b1" },
      ]);
      expect(await context.successfulOutputs(first)).toEqual([
        { taskKey: "a", outputText: "a1" },
        { taskKey: "b", outputText: "b1" },
      ]);
      expect(await context.successfulOutputs(second)).toEqual([{ taskKey: "a", outputText: "a2" }]);
      expect(await context.successfulOutputs("run_missing")).toEqual([]);
    });

    it("binds a replay request to one run and serves it to that run's attempts only", async () => {
      const { context } = current();
      await importPlan({ s: { kind: "noop" } });
      const source = await startRun("ctx", 0);
      const id = await context.requestReplay(
        { planSlug: "ctx", taskKey: "s", snapshotHash: hashOf("f"), sourceRunId: source, sourceAttempt: 1 },
        5,
      );
      const replay = await startRun("ctx", 5);
      expect(await context.replayOf(replay, "s")).toBeNull();
      await context.bindReplay(id, replay);
      const expected = {
        id,
        planSlug: "ctx",
        taskKey: "s",
        snapshotHash: hashOf("f"),
        sourceRunId: source,
        sourceAttempt: 1,
        runId: replay,
        requestedAt: 5,
      };
      expect(await context.replayOf(replay, "s")).toEqual(expected);
      expect(await context.takeReplay(replay, "s")).toEqual(expected);
      // Bound once, it stays bound; the source run never takes it.
      await context.bindReplay(id, source);
      expect(await context.takeReplay(source, "s")).toBeNull();
      expect(await context.takeReplay(await startRun("ctx", 9), "s")).toBeNull();
    });

    it("caches a value by key, keeping the first", async () => {
      const { context } = current();
      expect(await context.getCached("k")).toBeUndefined();
      await context.setCached("k", "summary ✓", 1);
      await context.setCached("k", "other", 2);
      expect(await context.getCached("k")).toBe("summary ✓");
    });
  });
}
