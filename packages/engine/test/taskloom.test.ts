import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { EventRecord } from "@taskloom/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Taskloom } from "../src/index.ts";

let dir: string;
let taskloom: Taskloom;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-api-"));
  taskloom = await Taskloom.open({ databaseUrl: `file:${path.join(dir, "t.db")}`, cwd: dir, pollMs: 50 });
});
afterEach(async () => {
  await taskloom.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const plan = `
plan: library
params: { who: world }
tasks:
  hello:
    run: echo hello {{params.who}}
  shout:
    run: echo "{{tasks.hello.output}}" | tr a-z A-Z
    requires: [hello]
`;

describe("Taskloom as a library", () => {
  it("imports a plan from text, runs it, and streams its events in order", async () => {
    const imported = await taskloom.importPlanSource(plan, dir);
    expect(imported).toMatchObject({ slug: "library", version: 1, changed: true });
    const events: EventRecord[] = [];
    const { runId, status } = await taskloom.run("library", {
      params: { who: "taskloom" },
      onEvent: (event) => events.push(event),
    });
    expect(status).toBe("succeeded");
    const detail = await taskloom.queries.getRun(runId);
    expect(detail.tasks.map((t) => t.outputText)).toEqual(["hello taskloom", "HELLO TASKLOOM"]);
    const ids = events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(
      events.filter((e) => e.type === "task_run.status").map((e) => `${e.taskKey}:${e.toStatus}`),
    ).toEqual(["hello:running", "hello:succeeded", "shout:ready", "shout:running", "shout:succeeded"]);
    expect(events.at(-1)).toMatchObject({ type: "run.status", toStatus: "succeeded" });
  });

  it("keeps the version when the same plan is imported again, and bumps it on a change", async () => {
    await taskloom.importPlanSource(plan);
    expect((await taskloom.importPlanSource(plan)).changed).toBe(false);
    const changed = await taskloom.importPlanSource(
      plan.replace("hello {{params.who}}", "hi {{params.who}}"),
    );
    expect(changed).toMatchObject({ changed: true, version: 2 });
    expect(await taskloom.exportPlan("library")).toContain("echo hi {{params.who}}");
  });

  it("lets a separate worker execute a run started elsewhere, and waitForRun sees it end", async () => {
    await taskloom.importPlanSource(plan);
    const { runId } = await taskloom.startRun("library", { trigger: "api" });
    const other = await Taskloom.open({
      databaseUrl: `file:${path.join(dir, "t.db")}`,
      cwd: dir,
      pollMs: 50,
    });
    const worker = other.createWorker({ concurrency: 2, pollMs: 50 });
    await worker.start();
    try {
      expect(await taskloom.waitForRun(runId)).toBe("succeeded");
    } finally {
      await worker.stop();
      await other.close();
    }
  });

  it("refuses an unknown param and an invalid plan with typed errors, storing nothing", async () => {
    await taskloom.importPlanSource(plan);
    await expect(taskloom.startRun("library", { params: { nope: "1" } })).rejects.toMatchObject({
      code: "BAD_INPUT",
    });
    await expect(
      taskloom.importPlanSource("plan: x\ntasks:\n  a:\n    requires: [a]\n"),
    ).rejects.toMatchObject({
      code: "PLAN_INVALID",
    });
    expect((await taskloom.queries.listPlans()).map((p) => p.slug)).toEqual(["library"]);
    expect(await taskloom.queries.listRuns()).toEqual([]);
  });
});
