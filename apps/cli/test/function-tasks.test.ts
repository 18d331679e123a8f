import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CliSandbox, exited, REPO, waitFor } from "./cli-harness.ts";

let sandbox: CliSandbox;
beforeEach(() => {
  sandbox = new CliSandbox();
});
afterEach(() => {
  sandbox.cleanup();
});

const SDK = path.join(REPO, "packages/sdk/src/index.ts");

/** A tasks file as a user writes it (the SDK imported by path: the sandbox has no node_modules). */
const TASKS = `import { defineTask } from ${JSON.stringify(SDK)};

export const resize = defineTask("resize", async (input: { path: string; width: string }, ctx) => {
  ctx.log.info("resizing %s to %s px", input.path, input.width);
  await ctx.heartbeat();
  return { path: input.path.replace(".jpg", "-" + input.width + ".jpg"), upstream: ctx.outputs.fetch };
});
`;

const PLAN = `plan: thumbs
params: { width: "320" }
tasks:
  fetch:
    run: echo photo.jpg
  resize:
    kind: function
    handler: resize
    input: { path: "{{tasks.fetch.output}}", width: "{{params.width}}" }
    requires: [fetch]
`;

interface RunJson {
  status: string;
  /** `taskloom run --json` puts the run's fields under `run`. */
  run?: { status: string };
  tasks: { key: string; status: string; output: unknown; waitingFor?: string }[];
}

async function showRun(runId: string): Promise<RunJson> {
  const shown = await sandbox.run(["runs", "show", runId, "--json"]);
  expect(shown.code).toBe(0);
  return JSON.parse(shown.stdout) as RunJson;
}

describe("function tasks", () => {
  it("waits visibly while no worker has the handler, and runs once `worker --register` starts", async () => {
    const plan = sandbox.write("plan.yaml", PLAN);
    const tasks = sandbox.write("tasks.ts", TASKS);
    // `taskloom run` executes the shell task here; the function task waits for a worker with its handler.
    const run = sandbox.spawn(["run", plan, "--json"]);
    // With --json the progress, this note included, goes to stderr.
    await waitFor(
      () => run.output.stderr.includes("task resize is waiting for a worker with handler `resize`"),
      60_000,
    );
    const runId = /started run (run_\w+)/.exec(run.output.stderr)?.[1] ?? "";
    const waiting = await showRun(runId);
    expect(waiting.tasks.find((task) => task.key === "resize")).toMatchObject({
      status: "ready",
      waitingFor: "waiting for a worker with handler `resize`",
    });
    const table = await sandbox.run(["runs", "show", runId]);
    expect(table.stdout).toMatch(/resize\s+ready \(waiting for a worker with handler `resize`\)/);

    const worker = sandbox.spawn(["worker", "--register", tasks, "--no-schedules"]);
    try {
      await waitFor(() => worker.output.stderr.includes("handlers: resize"), 60_000);
      expect(await exited(run)).toBe(0);
      const summary = JSON.parse(run.output.stdout.trim().split("\n").at(-1) ?? "{}") as RunJson;
      expect(summary.run).toMatchObject({ status: "succeeded" });
      expect(summary.tasks.find((task) => task.key === "resize")?.output).toEqual({
        path: "photo-320.jpg",
        upstream: "photo.jpg",
      });
      const logs = await sandbox.run(["logs", runId, "resize"]);
      expect(logs.stdout).toBe("resizing photo.jpg to 320 px\n");
      const workers = await sandbox.run(["runs", "show", runId, "--json"]);
      expect((JSON.parse(workers.stdout) as RunJson).tasks.every((task) => !task.waitingFor)).toBe(true);
    } finally {
      worker.kill("SIGTERM");
      await exited(worker);
    }
  }, 180_000);

  it("runs the handlers in the run's own process with `run --register`, and retries a throw", async () => {
    const tasks = sandbox.write(
      "tasks.ts",
      `import { defineTask } from ${JSON.stringify(SDK)};
export default [
  defineTask("flaky", async (_input, ctx) => {
    if (ctx.attempt === 1) throw new Error("first attempt fails");
    return { attempt: ctx.attempt, params: ctx.params };
  }),
];
`,
    );
    const plan = sandbox.write(
      "plan.yaml",
      `plan: flaky
params: { day: "2026-12-01" }
tasks:
  flaky: { kind: function, handler: flaky, retries: { max: 1, delay: 10ms } }
`,
    );
    const result = await sandbox.run(["run", plan, "--register", tasks, "--json"]);
    expect([result.code, result.stderr]).toEqual([0, expect.stringContaining("first attempt fails")]);
    const summary = JSON.parse(result.stdout) as RunJson & { tasks: { attempts: number }[] };
    expect(summary.tasks[0]).toMatchObject({
      status: "succeeded",
      attempts: 2,
      output: { attempt: 2, params: { day: "2026-12-01" } },
    });
  }, 120_000);

  it("runs the handlers of a rerun in its own process with `rerun --register`", async () => {
    const tasks = sandbox.write("tasks.ts", TASKS);
    const plan = sandbox.write(
      "plan.yaml",
      PLAN.replace("run: echo photo.jpg", "run: test -f ready && echo photo.jpg"),
    );
    const first = await sandbox.run(["run", plan, "--register", tasks, "--json"]);
    expect(first.code).toBe(1);
    const runId = (JSON.parse(first.stdout) as RunJson & { run: { id: string } }).run.id;

    const enqueued = await sandbox.run(["rerun", runId, "--failed", "--register", tasks, "--enqueue"]);
    expect([enqueued.code, enqueued.stderr]).toEqual([
      2,
      expect.stringContaining("--register runs handlers in this process"),
    ]);
    const missing = await sandbox.run(["rerun", runId, "--failed", "--register", "nope.ts"]);
    expect(missing.code).toBe(2);

    sandbox.write("ready", "");
    const rerun = await sandbox.run(["rerun", runId, "--failed", "--register", tasks, "--json"]);
    expect(rerun.code).toBe(0);
    const summary = JSON.parse(rerun.stdout) as RunJson;
    expect(summary.tasks.find((task) => task.key === "resize")).toMatchObject({
      status: "succeeded",
      output: { path: "photo-320.jpg", upstream: "photo.jpg" },
    });
    // Neither refused rerun left a run behind: the source run and the one that ran.
    const runs = await sandbox.run(["runs", "--json"]);
    expect((JSON.parse(runs.stdout) as unknown[]).length).toBe(2);
  }, 180_000);

  it("imports and validates a plan defined in code, with the plan file's errors", async () => {
    const good = sandbox.write(
      "plan.ts",
      `import { definePlan, defineTask } from ${JSON.stringify(SDK)};
const hello = defineTask("hello", () => "hi");
export default definePlan({ plan: "coded", tasks: { greet: { kind: "function", handler: hello } } });
`,
    );
    const validated = await sandbox.run(["validate", good]);
    expect([validated.code, validated.stdout]).toEqual([
      0,
      `${good}: ok, plan coded with 1 tasks and 0 links\n`,
    ]);
    const imported = await sandbox.run(["plan", "import", good]);
    expect(imported.stdout).toBe("plan coded imported, version 1 (1 tasks)\n");
    const exported = await sandbox.run(["plan", "export", "coded"]);
    expect(exported.stdout).toContain("kind: function\n    handler: hello\n");

    const bad = sandbox.write(
      "bad.ts",
      `import { definePlan } from ${JSON.stringify(SDK)};
export default definePlan({ plan: "bad", tasks: { a: { kind: "function" }, b: { run: "x", requires: ["nope"] } } } as never);
`,
    );
    const invalid = await sandbox.run(["validate", bad]);
    expect([invalid.code, invalid.stderr]).toEqual([
      2,
      "tasks.a: missing required field `handler` (for kind function)\ntasks.b.requires[0]: unknown task `nope` in requires\n",
    ]);
  }, 120_000);

  it("refuses a tasks file that does not load, exports no handlers or repeats a name, with exit 2", async () => {
    const missing = await sandbox.run(["worker", "--register", "nope.ts"]);
    expect([missing.code, missing.stderr]).toEqual([2, "error: cannot load nope.ts: no such file\n"]);
    const empty = sandbox.write("empty.ts", "export const x = 1;\n");
    const none = await sandbox.run(["worker", "--register", empty]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`${empty} exports no task handlers`);
    const one = sandbox.write(
      "one.ts",
      `import { defineTask } from ${JSON.stringify(SDK)};\nexport const a = defineTask("same", () => 1);\n`,
    );
    const two = sandbox.write(
      "two.ts",
      `import { defineTask } from ${JSON.stringify(SDK)};\nexport const b = defineTask("same", () => 2);\n`,
    );
    const duplicate = await sandbox.run(["worker", "--register", one, two]);
    expect([duplicate.code, duplicate.stderr]).toEqual([
      2,
      "error: two handlers are named `same`: handler names must be unique\n",
    ]);
    const broken = sandbox.write(
      "broken.ts",
      `import { defineTask } from ${JSON.stringify(SDK)};\nexport const a = defineTask("bad name", () => 1);\n`,
    );
    const badName = await sandbox.run(["worker", "--register", broken]);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain("invalid handler name `bad name`");
  }, 120_000);
});
