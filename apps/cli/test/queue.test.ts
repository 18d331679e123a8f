import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CliSandbox } from "./cli-harness.ts";

let sandbox: CliSandbox;
beforeEach(() => {
  sandbox = new CliSandbox();
});
afterEach(() => {
  sandbox.cleanup();
});

const PLAN = `plan: deploys
params: { env: prod }
tasks:
  build: { kind: noop, priority: 3 }
  deploy: { kind: noop, concurrencyKey: "deploy:{{params.env}}", concurrencyLimit: 1 }
  notify: { kind: noop, requires: [deploy] }
`;

interface Peeked {
  id: number;
  runId: string;
  taskKey: string;
  priority: number;
  notBefore: number | null;
  concurrencyKey: string | null;
}

async function peek(queue = "default"): Promise<Peeked[]> {
  const result = await sandbox.run(["queue", "peek", queue, "--json"]);
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as Peeked[];
}

/** Imports the plan and creates a run that stays queued: no worker runs here. */
async function queueRun(): Promise<void> {
  const started = await sandbox.run(["run", sandbox.write("plan.yaml", PLAN), "--enqueue"]);
  expect([started.code, started.stderr]).toEqual([0, ""]);
}

describe("taskloom queue", () => {
  it("lists queues, and peeks the next task runs in claim order with priorities and keys", async () => {
    await queueRun();
    const listed = await sandbox.run(["queue", "list"]);
    expect(listed.stdout).toMatch(
      /^QUEUE\s+CONCURRENCY\s+PAUSED\s+READY\s+RUNNING\ndefault\s+unlimited\s+no\s+2\s+0\n$/,
    );
    const table = await sandbox.run(["queue", "peek", "default"]);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^#\s+ID\s+PLAN\s+TASK\s+RUN\s+PRIORITY\s+NOT BEFORE\s+CONCURRENCY KEY$/);
    expect(lines[1]).toMatch(/^1\s+\d+\s+deploys\s+build\s+run_\S+\s+3\s+-\s+-$/);
    expect(lines[2]).toMatch(/^2\s+\d+\s+deploys\s+deploy\s+run_\S+\s+0\s+-\s+deploy:prod \(0\/1 running\)$/);
    expect((await peek()).map((run) => [run.taskKey, run.priority, run.concurrencyKey])).toEqual([
      ["build", 3, null],
      ["deploy", 0, "deploy:prod"],
    ]);
  }, 120_000);

  it("moves, reschedules, pauses, resumes and cancels queued task runs", async () => {
    await queueRun();
    const [build, deploy] = await peek();
    const moved = await sandbox.run(["queue", "move", "default", "--to", "slow", "--ids", String(build?.id)]);
    expect([moved.code, moved.stdout]).toEqual([0, "moved to slow: 1 queued task run\n"]);
    expect((await peek("slow")).map((run) => run.taskKey)).toEqual(["build"]);

    const later = await sandbox.run(["queue", "reschedule", "default", "--in", "10m", "--json"]);
    expect([later.code, later.stdout]).toEqual([0, `[${deploy?.id}]\n`]);
    expect((await peek())[0]?.notBefore).toBeGreaterThan(Date.now());
    expect((await sandbox.run(["queue", "reschedule", "default", "--now"])).stdout).toBe(
      "rescheduled 1 queued task run\n",
    );
    expect((await peek())[0]?.notBefore).toBeNull();

    expect((await sandbox.run(["queue", "pause", "slow"])).stdout).toBe("queue slow: paused\n");
    expect((await sandbox.run(["queue", "resume", "slow"])).stdout).toBe("queue slow: running\n");

    const cancelled = await sandbox.run(["queue", "cancel", "default", "--plan", "deploys"]);
    expect([cancelled.code, cancelled.stdout]).toEqual([0, "cancelled 1 queued task run\n"]);
    expect(await peek()).toEqual([]);
    const tasks = await sandbox.run(["runs", "show", build?.runId ?? "", "--json"]);
    expect(tasks.stdout).toMatch(/"notify"[\s\S]*"blocked"|"blocked"[\s\S]*"notify"/);
  }, 240_000);

  it("refuses bad input with exit code 2 and a clear message", async () => {
    await queueRun();
    const cases: [string[], RegExp][] = [
      [["queue", "reschedule", "default"], /give exactly one of --in DURATION, --at TIME or --now/],
      [["queue", "reschedule", "default", "--at", "tomorrow"], /--at takes an ISO time/],
      [["queue", "reschedule", "default", "--in", "soon"], /--in: /],
      [
        ["queue", "move", "default", "--to", "x", "--ids", "1,two"],
        /expected task run ids separated by commas/,
      ],
      [["queue", "move", "default"], /required option '--to <queue>'/],
      [["queue", "peek", "default", "--limit", "0"], /expected a positive integer/],
      [["queue", "peek", "default", "--limit", "501"], /the peek limit must be a whole number from 1 to 500/],
    ];
    for (const [args, message] of cases) {
      const result = await sandbox.run(args);
      expect([args.join(" "), result.code, result.stderr]).toEqual([
        args.join(" "),
        2,
        expect.stringMatching(message),
      ]);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  }, 240_000);
});
