import {
  type ApprovalDecisionInput,
  ApprovalInputError,
  ApprovalNotWaitingError,
  type AttemptOutcome,
  type EventRecord,
  NotFoundError,
  parsePlanObject,
  type TaskRunStatus,
} from "@taskloom/core";
import { describe, expect, it } from "vitest";
import type { ContractStore } from "./store-contract.ts";

/**
 * The approval part of the store contract (run on every store by `describeStoreContract`): an approval
 * waits without a lease and outside the queues, a decision moves it once (the compare-and-set two
 * connections race for), and its dependents follow it exactly as after a success or a failure.
 */
export function describeApprovalContract(
  current: () => ContractStore,
  connectAgain: () => Promise<ContractStore>,
): void {
  const ok: AttemptOutcome = { status: "succeeded", exitCode: 0, outputText: "done", outputJson: null };
  const FORM = {
    properties: { env: { type: "string", enum: ["staging", "prod"] }, replicas: { type: "integer" } },
    required: ["env"],
  };

  async function startRun(tasks: Record<string, unknown>, now = 0): Promise<string> {
    const store = current();
    await store.importPlan(parsePlanObject({ plan: "gates", tasks }), { baseDir: null, now });
    return (await store.createRun({ planSlug: "gates", trigger: "cli", params: {}, now })).runId;
  }
  const claim = (now: number, on: ContractStore = current()) =>
    on.claimTaskRuns({ workerId: "w", limit: 10, leaseMs: 1_000, now });
  const decide = (runId: string, input: Partial<ApprovalDecisionInput>, on: ContractStore = current()) =>
    on.decideApproval({
      runId,
      taskKey: "gate",
      decision: "approve",
      actor: "cli:ana",
      comment: null,
      values: {},
      now: 10,
      ...input,
    });
  const events = (runId: string): Promise<EventRecord[]> =>
    current().readEvents({ afterId: 0, runId, limit: 100_000 });
  async function moves(runId: string, key: string): Promise<string[]> {
    return (await events(runId))
      .filter((e) => e.type === "task_run.status" && e.taskKey === key)
      .map((e) => `${e.fromStatus}->${e.toStatus}`);
  }

  describe("approvals", () => {
    it("parks a runnable approval as waiting: no claim, no queue depth, listed with its deadline", async () => {
      const runId = await startRun(
        {
          gate: { kind: "approval", prompt: "Ship?", form: FORM, timeout: "1m", onTimeout: "reject" },
          after: { kind: "noop", requires: ["gate"] },
        },
        5,
      );
      expect(await claim(6)).toEqual([]);
      const queue = (await current().listQueues()).find((q) => q.name === "default");
      expect(queue?.ready ?? 0).toBe(0);
      expect(queue?.running ?? 0).toBe(0);
      const [waiting, ...rest] = await current().listWaitingApprovals();
      expect(rest).toEqual([]);
      expect(waiting).toMatchObject({
        runId,
        planSlug: "gates",
        taskKey: "gate",
        prompt: "Ship?",
        waitingSince: 5,
        deadline: 60_005,
        onTimeout: "reject",
      });
      expect(Object.keys(waiting?.form?.properties ?? {})).toEqual(["env", "replicas"]);
      expect(await current().listWaitingApprovals({ runId: "run_other" })).toEqual([]);
      expect(await current().getRunStatus(runId)).toBe("queued");
    });

    it("approve: the values become the output its dependents read, audited, and the run ends", async () => {
      const runId = await startRun({
        build: { kind: "noop" },
        gate: { kind: "approval", form: FORM, requires: ["build"] },
        deploy: { kind: "noop", requires: ["gate"] },
      });
      const [build] = await claim(1);
      if (!build) throw new Error("expected build");
      await current().completeTaskRuns([{ taskRunId: build.id, attempt: 1, workerId: "w", outcome: ok }], 2);
      expect(await moves(runId, "gate")).toEqual(["pending->waiting"]);
      const result = await decide(runId, { values: { env: "prod", replicas: 3 }, comment: "go" });
      expect(result.status).toBe("succeeded");
      const [deploy] = await claim(11);
      expect(deploy?.taskKey).toBe("deploy");
      expect(deploy?.upstream.gate).toEqual({
        output: '{"env":"prod","replicas":3}',
        json: { env: "prod", replicas: 3 },
      });
      await current().completeTaskRuns(
        [{ taskRunId: deploy?.id ?? -1, attempt: 1, workerId: "w", outcome: ok }],
        12,
      );
      expect(await current().getRunStatus(runId)).toBe("succeeded");
      expect(await moves(runId, "gate")).toEqual(["pending->waiting", "waiting->succeeded"]);
      const audit = (await events(runId)).filter((e) => e.type === "operator.action");
      expect(audit.map((e) => ({ task: e.taskKey, to: e.toStatus, ...e.data }))).toEqual([
        {
          task: "gate",
          to: "succeeded",
          action: "approve",
          actor: "cli:ana",
          reason: "go",
          values: { env: "prod", replicas: 3 },
          timedOut: false,
        },
      ]);
    });

    it("reject: the task fails with reason rejected and the comment, its dependents are blocked", async () => {
      const runId = await startRun({
        gate: { kind: "approval" },
        deploy: { kind: "noop", requires: ["gate"] },
        side: { kind: "noop" },
      });
      await decide(runId, { decision: "reject", comment: "not today" });
      const statuses: Record<string, [TaskRunStatus, unknown, unknown]> = {};
      for (const e of await events(runId)) {
        if (e.type === "task_run.status" && e.taskKey)
          statuses[e.taskKey] = [e.toStatus as TaskRunStatus, e.data?.reason, e.data?.error];
      }
      expect(statuses.gate).toEqual(["failed", "rejected", "rejected by cli:ana: not today"]);
      expect(statuses.deploy?.[0]).toBe("blocked");
      const [side] = await claim(11);
      await current().completeTaskRuns(
        [{ taskRunId: side?.id ?? -1, attempt: 1, workerId: "w", outcome: ok }],
        12,
      );
      expect(await current().getRunStatus(runId)).toBe("failed");
      // An operator retry asks again: the approval waits for a new decision.
      await current().retryTaskRun(runId, "gate", 13, "frozen");
      expect((await moves(runId, "gate")).slice(-2)).toEqual(["failed->ready", "ready->waiting"]);
      expect((await current().listWaitingApprovals({ runId })).map((a) => a.taskKey)).toEqual(["gate"]);
    });

    it("refuses a second decision, a task that is not a waiting approval and unknown names, changing nothing", async () => {
      const runId = await startRun({ gate: { kind: "approval", form: FORM }, step: { kind: "noop" } });
      const untouched = (await events(runId)).length;
      await expect(decide(runId, { values: { env: "dev", replicas: "x" } })).rejects.toThrow(
        'the input of approval `gate` is invalid: env: must be one of "staging", "prod"; replicas: must be a number',
      );
      await expect(decide(runId, { values: {} })).rejects.toBeInstanceOf(ApprovalInputError);
      expect((await events(runId)).length).toBe(untouched);
      expect((await decide(runId, { values: { env: "staging" } })).values).toEqual({ env: "staging" });
      const before = (await events(runId)).length;
      await expect(decide(runId, { decision: "reject" })).rejects.toThrow(ApprovalNotWaitingError);
      await expect(decide(runId, {})).rejects.toThrow(
        "cannot decide task `gate`: it was already decided (it is succeeded)",
      );
      await expect(decide(runId, { taskKey: "step" })).rejects.toThrow("it is a noop task, not an approval");
      await expect(decide(runId, { taskKey: "nope" })).rejects.toThrow(NotFoundError);
      await expect(decide("run_nope", {})).rejects.toThrow("run not found: run_nope");
      expect((await events(runId)).length).toBe(before);
    });

    it("lets exactly one of two connections deciding at once win (the timeout's compare-and-set)", async () => {
      const runId = await startRun({ gate: { kind: "approval" } });
      const other = await connectAgain();
      const outcomes = await Promise.allSettled([
        decide(runId, { decision: "reject", actor: "timeout", timedOut: true }),
        decide(runId, { decision: "approve", actor: "cli:bo" }, other),
      ]);
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      const refused = outcomes.find((o) => o.status === "rejected");
      expect(refused?.status === "rejected" && refused.reason).toBeInstanceOf(ApprovalNotWaitingError);
      expect((await moves(runId, "gate")).filter((m) => m.startsWith("waiting->"))).toHaveLength(1);
      expect(await current().listWaitingApprovals()).toEqual([]);
    });

    it("cancels a waiting approval with its run", async () => {
      const runId = await startRun({ gate: { kind: "approval" } });
      expect((await current().requestCancel(runId, 3)).status).toBe("cancelled");
      expect(await moves(runId, "gate")).toEqual(["waiting->cancelled"]);
      await expect(decide(runId, {})).rejects.toThrow(ApprovalNotWaitingError);
    });
  });
}
