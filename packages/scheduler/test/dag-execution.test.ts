import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EngineHarness, orderOf, when } from "./engine-harness.ts";

let engine: EngineHarness;
beforeEach(() => {
  engine = new EngineHarness();
});
afterEach(async () => {
  await engine.close();
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every task starts only after all of its `requires` succeeded. */
function expectDependencyOrder(
  events: Awaited<ReturnType<EngineHarness["events"]>>,
  tasks: Record<string, { requires?: string[]; [field: string]: unknown }>,
) {
  for (const [key, task] of Object.entries(tasks)) {
    for (const upstream of task.requires ?? []) {
      expect(when(events, upstream, "succeeded")).toBeLessThan(when(events, key, "running"));
    }
  }
}

const noop = (requires: string[] = []) => ({ kind: "noop", requires });

describe("DAG shapes", () => {
  it("runs a linear chain in order and passes outputs downstream", async () => {
    const tasks = {
      a: { run: "echo one" },
      b: { run: "echo {{tasks.a.output}}-two", requires: ["a"] },
      c: { run: 'echo "$(cat "$TASKLOOM_INPUTS")"', requires: ["b"] },
    };
    const { status, detail, events } = await engine.runPlan({ plan: "linear", tasks });
    expect(status).toBe("succeeded");
    expect(orderOf(events, "succeeded")).toEqual(["a", "b", "c"]);
    expectDependencyOrder(events, tasks);
    expect(detail.tasks.map((t) => t.outputText)).toEqual([
      "one",
      "one-two",
      JSON.stringify({ b: { output: "one-two", json: null } }),
    ]);
  });

  it("runs a diamond: both middle tasks after the root, the sink after both", async () => {
    const tasks = { a: noop(), b: noop(["a"]), c: noop(["a"]), d: noop(["b", "c"]) };
    const { status, events } = await engine.runPlan({ plan: "diamond", tasks }, { concurrency: 2 });
    expect(status).toBe("succeeded");
    expectDependencyOrder(events, tasks);
  });

  it("fans out to many tasks and merges them back (fan-out, fan-in)", async () => {
    const tasks: Record<string, { kind: string; requires: string[] }> = { root: noop() };
    const middle = Array.from({ length: 50 }, (_, i) => `m${i}`);
    for (const key of middle) tasks[key] = noop(["root"]);
    tasks.sink = noop(middle);
    const { status, events, detail } = await engine.runPlan({ plan: "fan", tasks }, { concurrency: 8 });
    expect(status).toBe("succeeded");
    expectDependencyOrder(events, tasks);
    expect(detail.tasks.every((t) => t.status === "succeeded" && t.attempts === 1)).toBe(true);
  });

  it("runs a mixed DAG of shell tasks respecting every edge", async () => {
    const tasks = {
      extract: { run: "echo 3" },
      left: { run: "echo $(( {{tasks.extract.output}} * 2 ))", requires: ["extract"] },
      right: { run: "echo $(( {{tasks.extract.output}} + 1 ))", requires: ["extract"] },
      lonely: { run: "echo alone" },
      join: {
        run: "echo {{tasks.left.output}},{{tasks.right.output}}",
        requires: ["left", "right", "lonely"],
      },
      tail: { run: "echo done", requires: ["join"] },
    };
    const { status, detail, events } = await engine.runPlan({ plan: "mixed", tasks }, { concurrency: 3 });
    expect(status).toBe("succeeded");
    expectDependencyOrder(events, tasks);
    expect(detail.tasks.find((t) => t.key === "join")?.outputText).toBe("6,4");
  });
});

describe("scheduling", () => {
  it("runs independent tasks in parallel up to the concurrency", async () => {
    const tasks = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`t${i}`, { run: "sleep 0.4" }]));
    const { status, detail } = await engine.runPlan({ plan: "parallel", tasks }, { concurrency: 4 });
    expect(status).toBe("succeeded");
    const spans = detail.tasks.map((t) => [t.startedAt ?? 0, t.finishedAt ?? 0] as const);
    const latestStart = Math.max(...spans.map(([start]) => start));
    const earliestEnd = Math.min(...spans.map(([, end]) => end));
    // All four were running at the same moment.
    expect(latestStart).toBeLessThan(earliestEnd);
  });

  it("never runs more than the concurrency at once", async () => {
    const tasks = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`t${i}`, { run: "sleep 0.1" }]));
    const { events } = await engine.runPlan({ plan: "bounded", tasks }, { concurrency: 2 });
    let running = 0;
    let peak = 0;
    for (const event of events.filter((e) => e.type === "task_run.status")) {
      if (event.toStatus === "running") running++;
      if (event.fromStatus === "running") running--;
      peak = Math.max(peak, running);
    }
    expect(peak).toBe(2);
  });

  it("respects a queue's concurrency limit and a paused queue, while other queues run", async () => {
    engine.store.db
      .prepare("INSERT INTO queues (name, concurrency, paused) VALUES ('serial', 1, 0), ('held', NULL, 1)")
      .run();
    const tasks = {
      ...Object.fromEntries(
        Array.from({ length: 3 }, (_, i) => [`s${i}`, { run: "sleep 0.15", queue: "serial" }]),
      ),
      ...Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`f${i}`, { run: "sleep 0.15" }])),
      waiting: { kind: "noop", queue: "held" },
    };
    const runId = await engine.startRun({ plan: "queues", tasks });
    const worker = engine.worker({ runId, concurrency: 6 });
    await worker.start();
    const deadline = Date.now() + 10_000;
    let detail = await engine.database.queries.getRun(runId);
    while (detail.tasks.filter((t) => t.status === "succeeded").length < 6 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      detail = await engine.database.queries.getRun(runId);
    }
    const span = (prefix: string) =>
      detail.tasks
        .filter((t) => t.key.startsWith(prefix))
        .map((t) => [t.startedAt ?? 0, t.finishedAt ?? 0] as const);
    const serial = [...span("s")].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < serial.length; i++)
      expect(serial[i]?.[0]).toBeGreaterThanOrEqual(serial[i - 1]?.[1] ?? 0);
    const free = span("f");
    expect(Math.max(...free.map(([start]) => start))).toBeLessThan(Math.min(...free.map(([, end]) => end)));
    expect(detail.tasks.find((t) => t.key === "waiting")?.status).toBe("ready");
    await engine.store.requestCancel(runId, Date.now());
  });

  it("claims higher priority first, then plan-file order", async () => {
    const tasks = {
      low: { kind: "noop" },
      high: { kind: "noop", priority: 10 },
      mid: { kind: "noop", priority: 5 },
      also_low: { kind: "noop" },
    };
    const { events } = await engine.runPlan({ plan: "priorities", tasks }, { concurrency: 1 });
    expect(orderOf(events, "running")).toEqual(["high", "mid", "low", "also_low"]);
  });
});

describe("failures", () => {
  it("retries a flaky task with backoff and keeps every attempt", async () => {
    const marker = `${engine.dir}/flaky-marker`;
    const tasks = {
      flaky: {
        run: `if [ -f ${marker} ]; then echo recovered; else touch ${marker}; echo broken >&2; exit 3; fi`,
        retries: { max: 2, delay: "50ms" },
      },
      after: { kind: "noop", requires: ["flaky"] },
    };
    const { status, detail, events } = await engine.runPlan({ plan: "flaky", tasks });
    expect(status).toBe("succeeded");
    const flaky = detail.tasks.find((t) => t.key === "flaky");
    expect(flaky?.attempts).toBe(2);
    expect(flaky?.outputText).toBe("recovered");
    expect(flaky?.attemptHistory.map((a) => [a.status, a.exitCode])).toEqual([
      ["failed", 3],
      ["succeeded", 0],
    ]);
    expect(orderOf(events, "retrying")).toEqual(["flaky"]);
  });

  it("gives up after the last attempt and blocks every transitive dependent, other branches go on", async () => {
    const tasks = {
      bad: { run: "exit 7", retries: { max: 1, delay: "10ms" } },
      child: { kind: "noop", requires: ["bad"] },
      grandchild: { kind: "noop", requires: ["child"] },
      other: { run: "sleep 0.2; echo fine" },
      after_other: { kind: "noop", requires: ["other"] },
    };
    const { status, detail } = await engine.runPlan({ plan: "propagation", tasks }, { concurrency: 2 });
    expect(status).toBe("failed");
    const byKey = Object.fromEntries(detail.tasks.map((t) => [t.key, t]));
    expect(byKey.bad?.status).toBe("failed");
    expect(byKey.bad?.attempts).toBe(2);
    expect(byKey.bad?.error).toContain("exit code 7");
    expect(byKey.child?.status).toBe("blocked");
    expect(byKey.grandchild?.status).toBe("blocked");
    expect(byKey.other?.status).toBe("succeeded");
    expect(byKey.after_other?.status).toBe("succeeded");
  });

  it("fails an attempt that runs past its timeout, with reason timeout", async () => {
    const tasks = { slow: { run: "sleep 10", timeout: "300ms", retries: { max: 1, delay: "10ms" } } };
    const { status, detail } = await engine.runPlan({ plan: "timeout", tasks }, { killGraceMs: 200 });
    expect(status).toBe("failed");
    const slow = detail.tasks[0];
    expect(slow?.reason).toBe("timeout");
    expect(slow?.attempts).toBe(2);
    expect(slow?.attemptHistory.every((a) => a.reason === "timeout")).toBe(true);
  });

  it("lets an operator retry a failed task; its blocked dependents then run", async () => {
    const flag = `${engine.dir}/fixed`;
    const tasks = {
      fragile: { run: `test -f ${flag}` },
      downstream: { run: "echo ran", requires: ["fragile"] },
    };
    const runId = await engine.startRun({ plan: "operator", tasks });
    const worker = engine.worker({ runId });
    await worker.start();
    expect(await engine.waitForRun(runId)).toBe("failed");
    (await import("node:fs")).writeFileSync(flag, "");
    await engine.store.retryTaskRun(runId, "fragile", Date.now());
    expect(await engine.waitForRun(runId)).toBe("succeeded");
    const detail = await engine.database.queries.getRun(runId);
    expect(detail.tasks.map((t) => t.status)).toEqual(["succeeded", "succeeded"]);
  });
});

describe("cancellation", () => {
  it("cancels a run: the running task's process is stopped, pending ones never start", async () => {
    const pidFile = `${engine.dir}/long.pid`;
    const tasks = {
      long: { run: `echo $$ > ${pidFile}; exec sleep 30` },
      later: { kind: "noop", requires: ["long"] },
    };
    const runId = await engine.startRun({ plan: "cancel", tasks });
    const worker = engine.worker({ runId, heartbeatMs: 50 }, {});
    await worker.start();
    // The task's own process is up: it is running, not merely claimed.
    for (let i = 0; i < 500 && !fs.existsSync(pidFile); i++) await sleep(10);
    const pid = Number(fs.readFileSync(pidFile, "utf8"));
    expect(isAlive(pid)).toBe(true);
    await engine.store.requestCancel(runId, Date.now());
    // The worker learns about it from its heartbeat (as it would for a cancel from another process).
    expect(await engine.waitForRun(runId, 10_000)).toBe("cancelled");
    expect(isAlive(pid)).toBe(false);
    const moves = (await engine.events(runId))
      .filter((e) => e.type === "task_run.status")
      .map((e) => `${e.taskKey}:${e.fromStatus}>${e.toStatus}`);
    expect(moves).toEqual(["long:ready>running", "later:pending>cancelled", "long:running>cancelled"]);
  });
});
