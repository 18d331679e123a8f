import fs from "node:fs";
import path from "node:path";
import type { EventRecord } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { useEngine } from "./engine-fixture.ts";

// Operator actions and the output cache end to end: real shell tasks, a real SQLite file, the engine's own
// worker. Each task appends its key to `ran.log`, so what actually ran is read from the disk.

const engine = useEngine("taskloom-operator-");

const ran = (): string[] => {
  const file = path.join(engine.dir, "ran.log");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n") : [];
};

const chain = `
plan: chain
tasks:
  a:
    run: echo a >> ran.log && echo out-a
  b:
    run: echo b >> ran.log && test -f fixed && echo "b saw {{tasks.a.output}}"
    requires: [a]
  c:
    run: echo c >> ran.log && echo "c saw {{tasks.b.output}}"
    requires: [b]
`;

const who = { actor: "cli:tester" };

describe("rerun", () => {
  it("from a task: reuses the upstream outputs, marked with the source run, and runs the task and its downstream", async () => {
    fs.writeFileSync(path.join(engine.dir, "fixed"), "");
    await engine.taskloom.importPlanSource(chain, engine.dir);
    const first = await engine.taskloom.run("chain");
    expect(first.status).toBe("succeeded");
    expect(ran()).toEqual(["a", "b", "c"]);

    const rerun = await engine.taskloom.operator.rerun(first.runId, {
      ...who,
      from: { task: "b" },
      reason: "new data",
    });
    expect(rerun).toMatchObject({ reused: ["a"], rerun: ["b", "c"] });
    expect((await engine.taskloom.executeRun(rerun.runId)).status).toBe("succeeded");

    expect(ran()).toEqual(["a", "b", "c", "b", "c"]);
    const detail = await engine.taskloom.queries.getRun(rerun.runId);
    expect(detail.tasks.map((t) => [t.key, t.status, t.outputFrom, t.outputFromRunId, t.outputText])).toEqual(
      [
        ["a", "succeeded", "reuse", first.runId, "out-a"],
        ["b", "succeeded", null, null, "b saw out-a"],
        ["c", "succeeded", null, null, "c saw b saw out-a"],
      ],
    );
    const audit = (
      await engine.taskloom.store.readEvents({ afterId: 0, runId: rerun.runId, limit: 1000 })
    ).find((e) => e.type === "operator.action");
    expect(audit?.data).toMatchObject({
      action: "rerun",
      actor: "cli:tester",
      reason: "new data",
      fromTask: "b",
    });
  });

  it("from failure: reruns what failed and what it blocked, reusing what succeeded", async () => {
    await engine.taskloom.importPlanSource(chain, engine.dir);
    const first = await engine.taskloom.run("chain");
    expect(first.status).toBe("failed");
    fs.writeFileSync(path.join(engine.dir, "fixed"), "");
    const rerun = await engine.taskloom.operator.rerun(first.runId.slice(0, 12), { ...who, from: "failure" });
    expect(rerun).toMatchObject({ reused: ["a"], rerun: ["b", "c"] });
    expect((await engine.taskloom.executeRun(rerun.runId)).status).toBe("succeeded");
    expect(ran()).toEqual(["a", "b", "b", "c"]);
  });
});

describe("task actions in a live run", () => {
  it("resolve: a failed task gets an output by hand and its dependents run with it", async () => {
    await engine.taskloom.importPlanSource(chain, engine.dir);
    const first = await engine.taskloom.run("chain");
    expect(first.status).toBe("failed");
    await engine.taskloom.operator.applyTaskAction({
      runId: first.runId,
      taskKey: "b",
      action: "resolve",
      output: "by hand",
      ...who,
      reason: "the file is fine",
    });
    expect((await engine.taskloom.executeRun(first.runId)).status).toBe("succeeded");
    const detail = await engine.taskloom.queries.getRun(first.runId);
    expect(detail.tasks.find((t) => t.key === "c")?.outputText).toBe("c saw by hand");
    expect(detail.tasks.find((t) => t.key === "b")?.outputFrom).toBe("operator");
  });

  it("cancel: stops one running task's process without cancelling the run's other work", async () => {
    await engine.taskloom.importPlanSource(
      `
plan: slow
tasks:
  slow:
    run: sleep 30
  quick:
    run: echo quick
  after:
    run: echo after
    requires: [slow]
`,
      engine.dir,
    );
    const { runId } = await engine.taskloom.startRun("slow");
    const running = new Promise<void>((resolve) => {
      const off = engine.taskloom.subscribe((event: EventRecord) => {
        if (event.taskKey === "slow" && event.toStatus === "running") {
          off();
          resolve();
        }
      });
    });
    const execution = engine.taskloom.executeRun(runId);
    await running;
    const started = Date.now();
    await engine.taskloom.operator.applyTaskAction({ runId, taskKey: "slow", action: "cancel", ...who });
    expect((await execution).status).toBe("failed");
    expect(Date.now() - started).toBeLessThan(10_000);
    const detail = await engine.taskloom.queries.getRun(runId);
    expect(detail.tasks.map((t) => [t.key, t.status])).toEqual([
      ["slow", "cancelled"],
      ["quick", "succeeded"],
      ["after", "blocked"],
    ]);
    expect(detail.tasks[0]?.error).toBe("cancelled by cli:tester");
  });
});

describe("output cache", () => {
  const cached = `
plan: cached
params: { day: "2026-12-01" }
tasks:
  fetch:
    run: echo fetch >> ran.log && echo "data for {{params.day}}"
    cache: { key: "fetch-{{params.day}}", ttl: 1h }
  use:
    run: echo "used {{tasks.fetch.output}}"
    requires: [fetch]
`;

  it("completes a task from a cached output of the same key within the TTL, without running it", async () => {
    await engine.taskloom.importPlanSource(cached, engine.dir);
    const first = await engine.taskloom.run("cached");
    expect(first.status).toBe("succeeded");
    const second = await engine.taskloom.run("cached");
    expect(second.status).toBe("succeeded");
    expect(ran()).toEqual(["fetch"]);

    const detail = await engine.taskloom.queries.getRun(second.runId);
    const fetch = detail.tasks.find((t) => t.key === "fetch");
    expect(fetch).toMatchObject({
      outputFrom: "cache",
      outputFromRunId: first.runId,
      cacheKey: "fetch-2026-12-01",
      outputText: "data for 2026-12-01",
    });
    expect(detail.tasks.find((t) => t.key === "use")?.outputText).toBe("used data for 2026-12-01");
    const log = await engine.taskloom.queries.readLogs({ runId: second.runId, taskKey: "fetch" });
    expect(log.chunks.map((c) => c.text).join("")).toContain(
      `completed from the output cache (key "fetch-2026-12-01"`,
    );

    // Another key runs; so does the same key once the TTL has passed.
    await engine.taskloom.run("cached", { params: { day: "2026-12-02" } });
    expect(ran()).toEqual(["fetch", "fetch"]);
    engine.offsetMs = 3_600_000;
    await engine.taskloom.run("cached");
    expect(ran()).toEqual(["fetch", "fetch", "fetch"]);
  });
});
