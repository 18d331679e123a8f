import { ApprovalInputError, ApprovalNotWaitingError, type EventRecord } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { useEngine } from "./engine-fixture.ts";

// Approval tasks end to end: a real SQLite file, the engine's own worker, real shell steps downstream.

const engine = useEngine("taskloom-approvals-");

const release = `
plan: release
tasks:
  side:
    run: echo side done
  gate:
    kind: approval
    prompt: Deploy?
    timeout: 1h
    form:
      properties:
        env: { type: string, enum: [staging, prod] }
        replicas: { type: integer, minimum: 1, default: 1 }
      required: [env]
  deploy:
    run: "echo deploying '{{tasks.gate.output}}'"
    requires: [gate]
`;

/** Resolves with the first event of the run that `match` accepts (the event log, not a sleep). */
function nextEvent(runId: string, match: (event: EventRecord) => boolean): Promise<EventRecord> {
  return new Promise((resolve) => {
    const unsubscribe = engine.taskloom.subscribe(
      (event) => {
        if (!match(event)) return;
        unsubscribe();
        resolve(event);
      },
      { runId, afterId: 0 },
    );
  });
}

const isStatus = (key: string, status: string) => (event: EventRecord) =>
  event.type === "task_run.status" && event.taskKey === key && event.toStatus === status;

describe("approval tasks", () => {
  it("wait without a worker slot, then pass the approved values downstream", async () => {
    await engine.taskloom.importPlanSource(release, engine.dir);
    const { runId } = await engine.taskloom.startRun("release");
    const running = engine.taskloom.executeRun(runId, { concurrency: 1 });
    // With one slot, `side` still runs and succeeds while `gate` waits: the approval holds no slot.
    await nextEvent(runId, isStatus("side", "succeeded"));
    const [waiting] = await engine.taskloom.approvals.list();
    expect(waiting).toMatchObject({ runId, taskKey: "gate", prompt: "Deploy?", onTimeout: "reject" });
    await expect(
      engine.taskloom.approvals.decide({
        runId: runId.slice(0, 12),
        taskKey: "gate",
        decision: "approve",
        actor: "cli:ana",
        texts: { env: "dev" },
      }),
    ).rejects.toThrow(ApprovalInputError);
    const decided = await engine.taskloom.approvals.decide({
      runId: runId.slice(0, 12),
      taskKey: "gate",
      decision: "approve",
      actor: "cli:ana",
      comment: "looks good",
      texts: { env: "prod", replicas: "3" },
    });
    expect(decided.values).toEqual({ env: "prod", replicas: 3 });
    expect((await running).status).toBe("succeeded");
    const run = await engine.taskloom.queries.getRun(runId);
    const deploy = run.tasks.find((task) => task.key === "deploy");
    expect(deploy?.outputText).toBe('deploying {"env":"prod","replicas":3}');
    const audit = await engine.taskloom.queries.auditTrail(runId);
    expect(audit.map((entry) => [entry.action, entry.actor, entry.reason])).toEqual([
      ["approve", "cli:ana", "looks good"],
    ]);
    await expect(
      engine.taskloom.approvals.decide({ runId, taskKey: "gate", decision: "reject", actor: "cli:bo" }),
    ).rejects.toThrow(ApprovalNotWaitingError);
  });

  it("applies the timeout's default outcome (reject) by the engine's clock, blocking the dependents", async () => {
    await engine.taskloom.importPlanSource(release, engine.dir);
    const { runId } = await engine.taskloom.startRun("release");
    const running = engine.taskloom.executeRun(runId, { concurrency: 2 });
    await nextEvent(runId, isStatus("side", "succeeded"));
    const timeouts = engine.taskloom.startApprovalTimeouts();
    expect((await timeouts.tick()).decided).toEqual([]);
    engine.offsetMs = 2 * 3600_000;
    expect((await timeouts.tick()).decided).toHaveLength(1);
    expect((await running).status).toBe("failed");
    const run = await engine.taskloom.queries.getRun(runId);
    expect(run.tasks.find((task) => task.key === "gate")).toMatchObject({
      status: "failed",
      reason: "rejected",
      error: "rejected by its timeout",
    });
    expect(run.tasks.find((task) => task.key === "deploy")?.status).toBe("blocked");
  });
});
