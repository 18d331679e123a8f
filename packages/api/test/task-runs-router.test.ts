import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Taskloom } from "@taskloom/engine";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appRouter, createCallerFactory, createTRPCContext } from "../src/index.ts";

let dir: string;
let taskloom: Taskloom;
const createCaller = createCallerFactory(appRouter);
let api: ReturnType<typeof createCaller>;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-task-runs-"));
  taskloom = await Taskloom.open({ databaseUrl: `file:${path.join(dir, "t.db")}`, cwd: dir, pollMs: 50 });
  api = createCaller(createTRPCContext({ taskloom, authorized: true }));
});
afterEach(async () => {
  await taskloom.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function failedRun(): Promise<string> {
  await taskloom.importPlanSource(
    "plan: ops\ntasks:\n  a: { run: echo a }\n  b: { run: exit 3, requires: [a] }\n  c: { run: echo c, requires: [b] }\n",
    dir,
  );
  const { runId, status } = await taskloom.run("ops");
  expect(status).toBe("failed");
  return runId;
}

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  throw new Error("expected the call to fail");
}

describe("taskRuns router", () => {
  it("resolves a failed task, and the audit trail names the dashboard and the reason", async () => {
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
    const runId = await failedRun();
    expect(await codeOf(api.taskRuns.act({ runId, taskKey: "a", action: "skip", reason: "x" }))).toEqual({
      code: "CONFLICT",
      message: "cannot skip task `a`: it is succeeded (skip needs pending or ready)",
    });
    expect(await codeOf(api.taskRuns.act({ runId, taskKey: "b", action: "resolve" }))).toEqual({
      code: "BAD_REQUEST",
      message: 'a reason is required to resolve a task (say why, e.g. --reason "…")',
    });
    expect((await codeOf(api.taskRuns.act({ runId, taskKey: "b", action: "explode" as "skip" }))).code).toBe(
      "BAD_REQUEST",
    );
  });

  it("reruns from a task as the token's actor and from failure, returning what it reused", async () => {
    const runId = await failedRun();
    const asToken = createCaller(createTRPCContext({ taskloom, authorized: true, actor: "token" }));
    expect(await asToken.taskRuns.rerun({ runId, fromTask: "b" })).toMatchObject({
      reused: ["a"],
      rerun: ["b", "c"],
    });
    expect(await api.taskRuns.rerun({ runId })).toMatchObject({ reused: ["a"], rerun: ["b", "c"] });
    expect((await api.taskRuns.auditTrail({ runId })).map((e) => [e.action, e.actor])).toEqual([
      ["rerun", "token"],
      ["rerun", "dashboard"],
    ]);
    expect((await codeOf(api.taskRuns.rerun({ runId, fromTask: "zz" }))).code).toBe("NOT_FOUND");
  });

  it("records an audited retry", async () => {
    const runId = await failedRun();
    await api.runs.retryTask({ runId, taskKey: "b", reason: "transient" });
    expect((await api.taskRuns.auditTrail({ runId })).map((e) => [e.action, e.reason])).toEqual([
      ["retry", "transient"],
    ]);
  });
});
