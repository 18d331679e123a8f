import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CliSandbox, REPO } from "./cli-harness.ts";

let sandbox: CliSandbox;
beforeEach(() => {
  sandbox = new CliSandbox();
});
afterEach(() => {
  sandbox.cleanup();
});

interface Point {
  index: number;
  params: Record<string, unknown>;
  status: string;
  attempts: number;
  output: unknown;
}
interface Task {
  key: string;
  status: string;
  output: unknown;
  points?: Point[];
}

describe("taskloom and sweeps", () => {
  it("lists a swept task's points under it in run --json and runs show --json", async () => {
    const result = await sandbox.run(["run", path.join(REPO, "examples", "sweep.yaml"), "--json"]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { run: { id: string }; tasks: Task[] };
    expect(summary.tasks.map((task) => task.key)).toEqual(["train", "best"]);
    const train = summary.tasks[0];
    expect(train?.points?.map((point) => point.params)).toEqual([
      { lr: 0.1, batch: 16 },
      { lr: 0.1, batch: 32 },
      { lr: 0.01, batch: 16 },
      { lr: 0.01, batch: 32 },
      { lr: 0.001, batch: 16 },
      { lr: 0.001, batch: 32 },
    ]);
    expect(train?.points?.every((point) => point.status === "succeeded" && point.attempts === 1)).toBe(true);
    expect(train?.points?.[3]?.output).toEqual({ lr: 0.01, batch: 32, loss: 0.0312 });
    expect(train?.output).toEqual(train?.points?.map((point) => point.output));
    expect(summary.tasks[1]?.output).toBe("6");

    const show = await sandbox.run(["runs", "show", summary.run.id, "--json"]);
    expect(show.code).toBe(0);
    const detail = JSON.parse(show.stdout) as { tasks: Task[] };
    expect(detail.tasks.find((task) => task.key === "train")?.points).toHaveLength(6);
  });

  it("rejects a bad sweep with a clear message and exit code 2", async () => {
    const plan = sandbox.write(
      "bad.yaml",
      "plan: bad\ntasks:\n  t:\n    run: echo\n    sweep: { matrix: { lr: [] } }\n",
    );
    const result = await sandbox.run(["validate", plan]);
    expect(result.code).toBe(2);
    expect(result.stderr + result.stdout).toContain("a matrix list needs at least one value");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
