import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CliSandbox, exited, isAlive, REPO, waitFor } from "./cli-harness.ts";

let sandbox: CliSandbox;
beforeEach(() => {
  sandbox = new CliSandbox();
});
afterEach(() => {
  sandbox.cleanup();
});

const example = (name: string) => path.join(REPO, "examples", name);

interface JsonSummary {
  run: { id: string; plan: string; status: string; startedAt: string; finishedAt: string };
  tasks: {
    key: string;
    status: string;
    attempts: number;
    exitCode: number | null;
    output: unknown;
    error: string | null;
  }[];
}

describe("taskloom run", () => {
  it("runs the ETL example to success and prints one JSON document with the tasks in file order", async () => {
    const result = await sandbox.run(["run", example("etl.yaml"), "--json"]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as JsonSummary;
    expect(summary.run.status).toBe("succeeded");
    expect(summary.run.plan).toBe("etl-demo");
    expect(summary.tasks.every((t) => t.status === "succeeded")).toBe(true);
    const planText = fs.readFileSync(example("etl.yaml"), "utf8");
    const positions = summary.tasks.map((t) => planText.indexOf(`\n  ${t.key}:`));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Date(summary.run.finishedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(summary.run.startedAt).getTime(),
    );
    // Progress went to stderr, so stdout parsed as exactly one document.
    expect(result.stderr).toContain("succeeded");
  });

  it("prints one plain line per state change without a terminal, and a summary", async () => {
    const result = await sandbox.run(["run", example("diamond.yaml")]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\[\d\/4\] a running/);
    expect(result.stdout).toMatch(/run run_\S+ succeeded in/);
  });

  it("exits 1 when a task fails for good; its dependents are blocked", async () => {
    const plan = sandbox.write(
      "failing.yaml",
      "plan: failing\ntasks:\n  bad:\n    run: echo oops >&2; exit 4\n  next:\n    kind: noop\n    requires: [bad]\n  fine:\n    run: echo ok\n",
    );
    const result = await sandbox.run(["run", plan, "--json"]);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as JsonSummary;
    expect(summary.run.status).toBe("failed");
    expect(summary.tasks.map((t) => [t.key, t.status])).toEqual([
      ["bad", "failed"],
      ["next", "blocked"],
      ["fine", "succeeded"],
    ]);
    expect(summary.tasks[0]?.exitCode).toBe(4);
    expect(summary.tasks[0]?.error).toContain("exit code 4");
  });

  it("passes --param values to templates and TASKLOOM_PARAM_* variables", async () => {
    const plan = sandbox.write(
      "params.yaml",
      'plan: params\nparams: { day: "2026-01-01" }\ntasks:\n  show:\n    run: echo {{params.day}}/$TASKLOOM_PARAM_DAY\n',
    );
    const result = await sandbox.run(["run", plan, "--json", "--param", "day=2026-11-21"]);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as JsonSummary).tasks[0]?.output).toBe("2026-11-21/2026-11-21");
    const unknown = await sandbox.run(["run", plan, "--param", "region=eu"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown param/);
  });

  it("cancels on Ctrl-C: running tasks are stopped, the run ends cancelled, exit code 130", async () => {
    const pidFile = path.join(sandbox.dir, "sleeper.pid");
    const plan = sandbox.write(
      "long.yaml",
      `plan: long\ntasks:\n  sleeper:\n    run: echo $$ > ${pidFile}; exec sleep 30\n  after:\n    kind: noop\n    requires: [sleeper]\n`,
    );
    const child = sandbox.spawn(["run", plan, "--json"]);
    await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, "utf8").trim() !== "");
    const sleeperPid = Number(fs.readFileSync(pidFile, "utf8").trim());
    child.kill("SIGINT");
    expect(await exited(child)).toBe(130);
    const summary = JSON.parse(child.output.stdout) as JsonSummary;
    expect(summary.run.status).toBe("cancelled");
    expect(summary.tasks.map((t) => t.status)).toEqual(["cancelled", "cancelled"]);
    await waitFor(() => !isAlive(sleeperPid), 5000);
  });

  it("resumes a run after its process was killed with SIGKILL: the interrupted task runs again, the rest is kept", async () => {
    const started = path.join(sandbox.dir, "started");
    const plan = sandbox.write(
      "resume.yaml",
      [
        "plan: resumable",
        "tasks:",
        "  first:",
        "    run: echo first-output",
        "  slow:",
        `    run: echo "attempt $TASKLOOM_ATTEMPT" >> ${started}; sleep 1.5; echo slow-done`,
        "    requires: [first]",
        "    retries: { max: 2, delay: 10ms }",
        "  last:",
        "    run: echo {{tasks.slow.output}}",
        "    requires: [slow]",
        "",
      ].join("\n"),
    );
    const child = sandbox.spawn(["run", plan, "--json"]);
    await waitFor(() => fs.existsSync(started));
    child.kill("SIGKILL");
    await exited(child);
    const runs = await sandbox.run(["runs", "--json"]);
    const runId = (JSON.parse(runs.stdout) as { id: string; status: string }[])[0]?.id ?? "";
    expect((JSON.parse(runs.stdout) as { status: string }[])[0]?.status).toBe("running");

    const resumed = await sandbox.run(["run", "--resume", runId, "--json"]);
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout) as JsonSummary;
    expect(summary.run.id).toBe(runId);
    expect(summary.run.status).toBe("succeeded");
    const byKey = Object.fromEntries(summary.tasks.map((t) => [t.key, t]));
    expect(byKey.first?.attempts).toBe(1);
    expect(byKey.slow?.attempts).toBe(2);
    expect(byKey.last?.output).toBe("slow-done");
    expect(fs.readFileSync(started, "utf8")).toContain("attempt 2");
  });
});

describe("taskloom worker", () => {
  it("executes runs enqueued by other processes and stops cleanly on SIGTERM", async () => {
    const worker = sandbox.spawn(["worker", "--concurrency", "2"]);
    await waitFor(() => worker.output.stderr.includes("started"));
    const enqueued = await sandbox.run(["run", example("diamond.yaml"), "--enqueue"]);
    expect(enqueued.code).toBe(0);
    const runId = enqueued.stdout.trim();
    expect(runId).toMatch(/^run_/);
    let status = "";
    for (let i = 0; i < 100 && status !== "succeeded"; i++) {
      const show = await sandbox.run(["runs", "show", runId, "--json"]);
      status = (JSON.parse(show.stdout) as { status: string }).status;
      if (status !== "succeeded") await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe("succeeded");
    worker.kill("SIGTERM");
    expect(await exited(worker)).toBe(0);
    expect(worker.output.stderr).toContain("worker stopped");
  });
});

describe("taskloom validate", () => {
  it("accepts a valid plan with a one-line summary", async () => {
    const result = await sandbox.run(["validate", example("etl.yaml")]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
    expect(result.stdout).toContain("etl-demo");
  });

  it("names the cycle and exits 2", async () => {
    const result = await sandbox.run(["validate", example("broken-cycle.yaml")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cycle: a -> b -> c -> a");
  });

  it("lists every problem, one per line, with its path and line", async () => {
    const plan = sandbox.write(
      "many.yaml",
      "plan: many\ntasks:\n  a:\n    run: echo\n    timeout: soon\n    requires: [ghost]\n  b:\n    kind: teleport\n",
    );
    const result = await sandbox.run(["validate", plan]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(result.stderr).toMatch(/tasks\.a\.timeout \(line 5\)/);
    expect(result.stderr).toMatch(/ghost/);
    expect(result.stderr).toMatch(/tasks\.b\.kind/);
  });

  it("rejects the other broken examples", async () => {
    for (const name of ["broken-unknown-dependency.yaml", "broken-bad-duration.yaml"]) {
      expect((await sandbox.run(["validate", example(name)])).code).toBe(2);
    }
  });
});

describe("inspecting plans and runs", () => {
  it("imports, lists and exports a plan that round-trips", async () => {
    const original = sandbox.write("etl.yaml", fs.readFileSync(example("etl.yaml"), "utf8"));
    const imported = await sandbox.run(["plan", "import", original]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("version 1");
    expect((await sandbox.run(["plan", "import", original])).stdout).toContain("unchanged");

    const tasks = JSON.parse((await sandbox.run(["list-tasks", "--plan", "etl-demo", "--json"])).stdout) as {
      key: string;
    }[];
    expect(tasks.length).toBeGreaterThan(3);

    const exported = await sandbox.run(["plan", "export", "etl-demo"]);
    expect(exported.code).toBe(0);
    const file = sandbox.write("exported.yaml", exported.stdout);
    expect((await sandbox.run(["validate", file])).code).toBe(0);
    // Re-importing the export (from the same folder) changes nothing: it is the same plan.
    expect((await sandbox.run(["plan", "import", file])).stdout).toContain("unchanged, version 1");
  });

  it("shows runs, one run's tasks, and a task's logs", async () => {
    const run = await sandbox.run(["run", example("diamond.yaml"), "--json"]);
    const runId = (JSON.parse(run.stdout) as JsonSummary).run.id;
    const list = await sandbox.run(["runs"]);
    expect(list.stdout).toContain(runId);
    const show = await sandbox.run(["runs", "show", runId.slice(0, 12)]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/TASK\s+STATUS\s+ATTEMPTS\s+DURATION\s+EXIT/);
    const showJson = JSON.parse((await sandbox.run(["runs", "show", runId, "--json"])).stdout) as {
      tasks: { key: string; status: string; durationMs: number }[];
    };
    expect(showJson.tasks.map((t) => t.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);

    const plan = sandbox.write(
      "chatty.yaml",
      "plan: chatty\ntasks:\n  talk:\n    run: echo out-line; echo err-line >&2\n",
    );
    const chatty = JSON.parse((await sandbox.run(["run", plan, "--json"])).stdout) as JsonSummary;
    const logs = await sandbox.run(["logs", chatty.run.id, "talk"]);
    expect(logs.stdout).toContain("out-line");
    expect(logs.stderr).toContain("err-line");
  });

  it("follows a running task's log until the task ends", async () => {
    const gate = path.join(sandbox.dir, "gate");
    const plan = sandbox.write(
      "follow.yaml",
      `plan: follow\ntasks:\n  talk:\n    run: echo first; while [ ! -f ${gate} ]; do sleep 0.05; done; echo second\n`,
    );
    const run = sandbox.spawn(["run", plan]);
    await waitFor(() => run.output.stdout.includes("talk running"));
    const runId =
      (JSON.parse((await sandbox.run(["runs", "--json"])).stdout) as { id: string }[])[0]?.id ?? "";
    const follow = sandbox.spawn(["logs", runId, "talk", "--follow"]);
    await waitFor(() => follow.output.stdout.includes("first"));
    expect(follow.output.stdout).not.toContain("second");
    fs.writeFileSync(gate, "");
    expect(await exited(follow)).toBe(0);
    expect(follow.output.stdout).toBe("first\nsecond\n");
    expect(await exited(run)).toBe(0);
  });

  it("limits, pauses and resumes queues", async () => {
    const set = await sandbox.run(["queues", "set", "reports", "--concurrency", "2", "--pause"]);
    expect(set.stdout.trim()).toBe("queue reports: concurrency 2, paused");
    const plan = sandbox.write(
      "queued.yaml",
      "plan: queued\ntasks:\n  r:\n    kind: noop\n    queue: reports\n",
    );
    expect((await sandbox.run(["run", plan, "--enqueue"])).code).toBe(0);
    const list = JSON.parse((await sandbox.run(["queues", "--json"])).stdout) as {
      name: string;
      paused: boolean;
      ready: number;
    }[];
    expect(list.find((q) => q.name === "reports")).toMatchObject({ paused: true, ready: 1 });
    expect(
      (await sandbox.run(["queues", "set", "reports", "--resume", "--concurrency", "none"])).stdout.trim(),
    ).toBe("queue reports: unlimited, running");
    const bad = await sandbox.run(["queues", "set", "reports", "--concurrency", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('error: --concurrency takes a positive integer or `none`, got "0"');
  });

  it("reports errors on one line without a stack trace", async () => {
    const missing = await sandbox.run(["runs", "show", "run_doesnotexist"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe("error: run not found: run_doesnotexist");
    const badFile = await sandbox.run(["run", path.join(sandbox.dir, "nope.yaml")]);
    expect(badFile.code).not.toBe(0);
    expect(badFile.stderr.trim().split("\n")).toHaveLength(1);
    expect(badFile.stderr).not.toMatch(/\n\s+at /);
  });
});
