import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CliSandbox } from "./cli-harness.ts";

let sandbox: CliSandbox;
beforeEach(() => {
  sandbox = new CliSandbox();
});
afterEach(() => {
  sandbox.cleanup();
});

// `b` fails until the file `fixed` exists; every task appends its key to ran.log.
const plan = `
plan: ops
params: { day: "2026-12-01" }
tasks:
  a:
    run: echo a >> ran.log && echo out-a
    cache: { key: "a-{{params.day}}", ttl: 1d }
  b:
    run: echo b >> ran.log && test -f fixed && echo "b saw {{tasks.a.output}}"
    requires: [a]
  c:
    run: echo c >> ran.log && echo "c saw {{tasks.b.output}}"
    requires: [b]
`;

const ran = () => fs.readFileSync(path.join(sandbox.dir, "ran.log"), "utf8").trim().split("\n");

async function failedRun(): Promise<string> {
  const file = sandbox.write("ops.yaml", plan);
  const result = await sandbox.run(["run", file, "--json"]);
  expect(result.code).toBe(1);
  return (JSON.parse(result.stdout) as { run: { id: string } }).run.id;
}

describe("taskloom rerun", () => {
  it("--from TASK runs that task and its downstream, reusing the upstream output, and shows it", async () => {
    const source = await failedRun();
    sandbox.write("fixed", "");
    const rerun = await sandbox.run(["rerun", source, "--from", "b", "--reason", "file fixed", "--json"]);
    expect(rerun.stderr).toContain("reusing a; running b, c");
    expect(rerun.code).toBe(0);
    const summary = JSON.parse(rerun.stdout) as {
      run: { id: string };
      tasks: { key: string; output: unknown }[];
    };
    expect(summary.tasks.map((t) => [t.key, t.output])).toEqual([
      ["a", "out-a"],
      ["b", "b saw out-a"],
      ["c", "c saw b saw out-a"],
    ]);
    expect(ran()).toEqual(["a", "b", "b", "c"]);
    const shown = await sandbox.run(["runs", "show", summary.run.id]);
    expect(shown.stdout).toContain(`succeeded (reused from ${source})`);
  });

  it("--failed reruns what did not succeed; with neither option or an unknown task it exits 2", async () => {
    const source = await failedRun();
    sandbox.write("fixed", "");
    const rerun = await sandbox.run(["rerun", source.slice(0, 10), "--failed", "--enqueue"]);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout.trim()).toMatch(/^run_/);
    const neither = await sandbox.run(["rerun", source]);
    expect(neither).toMatchObject({
      code: 2,
      stderr: "error: give exactly one of --from TASK or --failed\n",
    });
    const unknown = await sandbox.run(["rerun", source, "--from", "zz"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("error: task in the plan's current version not found: zz\n");
  });
});

describe("taskloom task", () => {
  it("resolve gives a failed task an output; its dependents run with it when the run is resumed", async () => {
    const runId = await failedRun();
    const resolved = await sandbox.run([
      "task",
      "resolve",
      runId,
      "b",
      "--output",
      "by hand",
      "--reason",
      "checked",
    ]);
    expect(resolved).toMatchObject({
      code: 0,
      stdout: `resolve: task b of run ${runId} is succeeded (run running)\n`,
    });
    const resumed = await sandbox.run(["run", "--resume", runId, "--json"]);
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout) as { tasks: { key: string; output: unknown }[] };
    expect(summary.tasks.find((t) => t.key === "c")?.output).toBe("c saw by hand");
    const shown = await sandbox.run(["runs", "show", runId]);
    expect(shown.stdout).toContain("succeeded (resolved by hand)");
  });

  it("refuses an action the state does not allow, or one without its required reason, with exit 2", async () => {
    const runId = await failedRun();
    const skip = await sandbox.run(["task", "skip", runId, "c", "--reason", "x"]);
    expect(skip).toMatchObject({
      code: 2,
      stderr: "error: cannot skip task `c`: it is blocked (skip needs pending or ready)\n",
    });
    const noReason = await sandbox.run(["task", "resolve", runId, "b"]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain("a reason is required to resolve a task");
    const retry = await sandbox.run(["task", "retry", runId, "b", "--json"]);
    expect(retry.code).toBe(0);
    expect(JSON.parse(retry.stdout)).toMatchObject({ task: { key: "b", status: "ready" } });
  });

  it("marks a task completed from the output cache in runs show", async () => {
    sandbox.write("fixed", "");
    const file = sandbox.write("ops.yaml", plan);
    expect((await sandbox.run(["run", file])).code).toBe(0);
    const second = await sandbox.run(["run", file, "--json"]);
    const { run } = JSON.parse(second.stdout) as { run: { id: string } };
    expect(ran()).toEqual(["a", "b", "c", "b", "c"]);
    expect((await sandbox.run(["runs", "show", run.id])).stdout).toMatch(/a\s+succeeded \(cached, from run_/);
  });
});
