import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CliSandbox, exited, waitFor } from "./cli-harness.ts";

let sandbox: CliSandbox;
beforeEach(() => {
  sandbox = new CliSandbox();
});
afterEach(() => {
  sandbox.cleanup();
});

// `gate` waits from the start; `side` runs meanwhile and writes `side.done`, so once that file exists the run
// exists and the approval is waiting.
const plan = `
plan: release
tasks:
  side:
    run: touch side.done
  gate:
    kind: approval
    prompt: Ship it?
    form:
      properties:
        env: { type: string, enum: [staging, prod] }
        replicas: { type: integer, minimum: 1 }
      required: [env]
  deploy:
    run: "echo 'deploy {{tasks.gate.output}}'"
    requires: [gate]
`;

describe("taskloom approve and approvals", () => {
  it("lists the waiting approval, refuses bad input with exit 2, approves with typed values", async () => {
    const file = sandbox.write("release.yaml", plan);
    const run = sandbox.spawn(["run", file, "--json"]);
    await waitFor(() => fs.existsSync(path.join(sandbox.dir, "side.done")), 30_000);

    const listed = await sandbox.run(["approvals", "--json"]);
    expect(listed.code).toBe(0);
    const [waiting] = JSON.parse(listed.stdout) as { runId: string; taskKey: string; prompt: string }[];
    expect(waiting).toMatchObject({ taskKey: "gate", prompt: "Ship it?" });
    const runId = waiting?.runId ?? "";
    const table = await sandbox.run(["approvals"]);
    expect(table.stdout).toContain("Ship it?");

    const bad = await sandbox.run(["approve", runId, "gate", "--input", "env=dev", "--input", "replicas=x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'error: the input of approval `gate` is invalid: env: must be one of "staging", "prod"; replicas: must be a number\n',
    );
    const both = await sandbox.run(["approve", runId, "gate", "--input", "env=prod", "--input-json", "{}"]);
    expect(both.code).toBe(2);
    const notApproval = await sandbox.run(["approve", runId, "side"]);
    expect(notApproval.code).toBe(2);
    expect(notApproval.stderr).toContain("cannot decide task `side`");

    const approved = await sandbox.run([
      "approve",
      runId.slice(0, 12),
      "gate",
      "--input",
      "env=prod",
      "--input",
      "replicas=3",
      "--comment",
      "checked",
    ]);
    expect(approved.stderr).toBe("");
    expect(approved.stdout).toBe('approved: task gate is succeeded with {"env":"prod","replicas":3}\n');
    expect(await exited(run)).toBe(0);
    expect(run.output.stderr).toContain(
      `gate waits for a decision: taskloom approve ${runId} gate [--reject]`,
    );
    const summary = JSON.parse(run.output.stdout) as { tasks: { key: string; output: unknown }[] };
    expect(summary.tasks.find((task) => task.key === "deploy")?.output).toBe(
      'deploy {"env":"prod","replicas":3}',
    );

    const again = await sandbox.run(["approve", runId, "gate", "--reject"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe("error: cannot decide task `gate`: it was already decided (it is succeeded)\n");
    expect((await sandbox.run(["approvals"])).stdout).toBe("no approvals waiting\n");
    // Eight CLI processes in a row: generous on a loaded machine.
  }, 180_000);

  it("rejects with a comment: the run fails and the dependents are blocked", async () => {
    const file = sandbox.write("release.yaml", plan);
    const run = sandbox.spawn(["run", file, "--json"]);
    await waitFor(() => fs.existsSync(path.join(sandbox.dir, "side.done")), 30_000);
    const [waiting] = JSON.parse((await sandbox.run(["approvals", "--json"])).stdout) as { runId: string }[];
    const rejected = await sandbox.run([
      "approve",
      waiting?.runId ?? "",
      "gate",
      "--reject",
      "--comment",
      "too late",
      "--json",
    ]);
    expect(rejected.code).toBe(0);
    expect(JSON.parse(rejected.stdout)).toMatchObject({ taskKey: "gate", status: "failed", values: null });
    expect(await exited(run)).toBe(1);
    const summary = JSON.parse(run.output.stdout) as {
      tasks: { key: string; status: string; error: unknown }[];
    };
    expect(summary.tasks.map((task) => [task.key, task.status])).toEqual([
      ["side", "succeeded"],
      ["gate", "failed"],
      ["deploy", "blocked"],
    ]);
    expect(summary.tasks.find((task) => task.key === "gate")?.error).toMatch(/^rejected by cli.*: too late$/);
  }, 120_000);
});
