import { describe, expect, it } from "vitest";
import { createTRPCContext } from "../src/index.ts";
import { createCaller, failure, useTestApi } from "./test-api.ts";

const test = useTestApi("task-runs-router");

async function failedRun(): Promise<string> {
  const { taskloom } = test;
  await taskloom.importPlanSource(
    "plan: ops\ntasks:\n  a: { run: echo a }\n  b: { run: exit 3, requires: [a] }\n  c: { run: echo c, requires: [b] }\n",
    test.dir,
  );
  const { runId, status } = await taskloom.run("ops");
  expect(status).toBe("failed");
  return runId;
}

describe("taskRuns router", () => {
  it("resolves a failed task, and the audit trail names the dashboard and the reason", async () => {
    const { api } = test;
    const runId = await failedRun();
    await api.taskRuns.act({
      runId,
      taskKey: "b",
      action: "resolve",
      output: "ok by hand",
      reason: "verified",
    });
    expect(await api.taskRuns.auditTrail({ runId })).toEqual([
      expect.objectContaining({
        action: "resolve",
        actor: "dashboard",
        reason: "verified",
        taskKey: "b",
        fromStatus: "failed",
        toStatus: "succeeded",
        details: { output: "ok by hand" },
      }),
    ]);
  });

  it("refuses an action the state does not allow with CONFLICT, and a missing reason with BAD_REQUEST", async () => {
    const { api } = test;
    const runId = await failedRun();
    expect(await failure(api.taskRuns.act({ runId, taskKey: "a", action: "skip", reason: "x" }))).toEqual({
      code: "CONFLICT",
      message: "cannot skip task `a`: it is succeeded (skip needs pending or ready)",
    });
    expect(await failure(api.taskRuns.act({ runId, taskKey: "b", action: "resolve" }))).toEqual({
      code: "BAD_REQUEST",
      message: 'a reason is required to resolve a task (say why, e.g. --reason "…")',
    });
    expect((await failure(api.taskRuns.act({ runId, taskKey: "b", action: "explode" as "skip" }))).code).toBe(
      "BAD_REQUEST",
    );
  });

  it("reruns from a task as the token's actor and from failure, returning what it reused", async () => {
    const { api } = test;
    const runId = await failedRun();
    const asToken = createCaller(
      createTRPCContext({ taskloom: test.taskloom, authorized: true, actor: "token" }),
    );
    expect(await asToken.taskRuns.rerun({ runId, fromTask: "b" })).toMatchObject({
      reused: ["a"],
      rerun: ["b", "c"],
    });
    expect(await api.taskRuns.rerun({ runId })).toMatchObject({ reused: ["a"], rerun: ["b", "c"] });
    expect((await api.taskRuns.auditTrail({ runId })).map((e) => [e.action, e.actor])).toEqual([
      ["rerun", "token"],
      ["rerun", "dashboard"],
    ]);
    expect((await failure(api.taskRuns.rerun({ runId, fromTask: "zz" }))).code).toBe("NOT_FOUND");
  });

  it("records an audited retry", async () => {
    const { api } = test;
    const runId = await failedRun();
    await api.runs.retryTask({ runId, taskKey: "b", reason: "transient" });
    expect((await api.taskRuns.auditTrail({ runId })).map((e) => [e.action, e.reason])).toEqual([
      ["retry", "transient"],
    ]);
  });
});
