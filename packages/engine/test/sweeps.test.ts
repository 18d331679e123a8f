import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Taskloom } from "../src/index.ts";

// Parameter sweeps end to end: real shell tasks, a real SQLite file, the engine's own worker. Each point
// appends its key to `ran.log`, so what actually ran is read from the disk.

let dir: string;
let taskloom: Taskloom;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-sweeps-"));
  taskloom = await Taskloom.open({ databaseUrl: `file:${path.join(dir, "t.db")}`, cwd: dir, pollMs: 50 });
});
afterEach(async () => {
  await taskloom.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ran = (): string[] => {
  const file = path.join(dir, "ran.log");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").sort() : [];
};

const matrix = `
plan: grid
params: { scale: 10 }
tasks:
  train:
    run: >-
      echo "$TASKLOOM_TASK_KEY" >> ran.log &&
      test "{{params.lr}}" != 2 -o -f fixed &&
      echo "{\\"lr\\": $TASKLOOM_PARAM_LR, \\"opt\\": \\"{{params.opt}}\\", \\"scale\\": {{params.scale}}, \\"file\\": $(cat "$TASKLOOM_PARAMS_FILE")}"
    output: json
    sweep:
      matrix: { lr: [1, 2], opt: [sgd, adam] }
      maxParallel: 2
  report:
    run: echo '{{tasks.train.outputs}}'
    output: json
    requires: [train]
`;

const point = (lr: number, opt: string) => ({ lr, opt, scale: 10, file: { lr, opt } });

describe("parameter sweeps", () => {
  it("runs one point per matrix entry with its params in env, templating and the params file", async () => {
    fs.writeFileSync(path.join(dir, "fixed"), "");
    await taskloom.importPlanSource(matrix, dir);
    const { runId, status } = await taskloom.run("grid");
    expect(status).toBe("succeeded");
    expect(ran()).toEqual(["train[0]", "train[1]", "train[2]", "train[3]"]);
    const detail = await taskloom.queries.getRun(runId);
    const report = detail.tasks.find((task) => task.key === "report");
    expect(report?.outputJson).toEqual([
      point(1, "sgd"),
      point(1, "adam"),
      point(2, "sgd"),
      point(2, "adam"),
    ]);
    const group = detail.tasks.find((task) => task.key === "train");
    expect(group).toMatchObject({ status: "succeeded", sweep: { need: "all", pointCount: 4 } });
    expect(detail.tasks.find((task) => task.key === "train[3]")?.point).toEqual({
      taskKey: "train",
      index: 3,
      params: { lr: 2, opt: "adam" },
    });
    // The history grid shows the sweep as one task, not a row per point.
    const grid = await taskloom.queries.runGrid("grid");
    expect(grid.tasks).toEqual(["train", "report"]);
    expect(grid.cells.train?.[runId]?.status).toBe("succeeded");
  });

  it("retries only the failed points, and a rerun expands the sweep again", async () => {
    await taskloom.importPlanSource(matrix, dir);
    const first = await taskloom.run("grid");
    expect(first.status).toBe("failed");
    const failed = (await taskloom.queries.getRun(first.runId)).tasks.filter((t) => t.status === "failed");
    expect(failed.map((t) => t.key)).toEqual(["train[2]", "train[3]"]);

    fs.writeFileSync(path.join(dir, "fixed"), "");
    fs.rmSync(path.join(dir, "ran.log"));
    await taskloom.operator.retry(first.runId, "train[2]", "frozen", { actor: "cli:tester" });
    await taskloom.operator.retry(first.runId, "train[3]", "frozen", { actor: "cli:tester" });
    expect((await taskloom.executeRun(first.runId)).status).toBe("succeeded");
    expect(ran()).toEqual(["train[2]", "train[3]"]);
    await expect(
      taskloom.operator.retry(first.runId, "train", "frozen", { actor: "cli:tester" }),
    ).rejects.toMatchObject({ code: "ILLEGAL_TRANSITION" });

    fs.rmSync(path.join(dir, "ran.log"));
    const again = await taskloom.operator.rerun(first.runId, {
      actor: "cli:tester",
      from: { task: "train" },
    });
    expect(again.rerun).toEqual(["train", "report"]);
    expect((await taskloom.executeRun(again.runId)).status).toBe("succeeded");
    expect(ran()).toEqual(["train[0]", "train[1]", "train[2]", "train[3]"]);

    // A rerun from the report reuses the sweep and every point's output: no point runs.
    fs.rmSync(path.join(dir, "ran.log"));
    const report = await taskloom.operator.rerun(again.runId, {
      actor: "cli:tester",
      from: { task: "report" },
    });
    expect((await taskloom.executeRun(report.runId)).status).toBe("succeeded");
    expect(ran()).toEqual([]);
    const reused = (await taskloom.queries.getRun(report.runId)).tasks;
    expect(reused.filter((t) => t.point).map((t) => [t.key, t.status, t.outputFrom])).toEqual([
      ["train[0]", "succeeded", "reuse"],
      ["train[1]", "succeeded", "reuse"],
      ["train[2]", "succeeded", "reuse"],
      ["train[3]", "succeeded", "reuse"],
    ]);
  });

  it("fans out over an upstream's JSON array, with item params, and gathers the outputs in order", async () => {
    await taskloom.importPlanSource(
      `
plan: fan
tasks:
  list:
    run: >-
      echo '["a.csv", {"name": "b.csv", "rows": 3}]'
    output: json
  work:
    run: >-
      echo "$TASKLOOM_TASK_KEY" >> ran.log &&
      printf '%s' "$TASKLOOM_PARAM_ITEM$TASKLOOM_PARAM_NAME" && cat "$TASKLOOM_PARAMS_FILE"
    requires: [list]
    sweep: { itemsFrom: list }
  total:
    run: echo '{{tasks.work.outputs}}'
    output: json
    requires: [work]
`,
      dir,
    );
    const { runId, status } = await taskloom.run("fan");
    expect(status).toBe("succeeded");
    expect(ran()).toEqual(["work[0]", "work[1]"]);
    const total = (await taskloom.queries.getRun(runId)).tasks.find((t) => t.key === "total");
    expect(total?.outputJson).toEqual(['a.csv{"item":"a.csv"}', 'b.csv{"name":"b.csv","rows":3}']);
  });

  it("with need: any, stops the other points once one succeeded: a running one is cancelled, an unstarted one skipped", async () => {
    await taskloom.importPlanSource(
      `
plan: race
tasks:
  probe:
    # The slow point would hold the run for a minute if it were not stopped.
    run: >-
      if [ "{{params.host}}" = fast ]; then echo "{{params.host}} up"; else sleep 60; fi
    sweep:
      items: [{ host: slow }, { host: fast }, { host: later }]
      maxParallel: 2
      need: any
  use: { run: "echo '{{tasks.probe.outputs}}'", output: json, requires: [probe] }
`,
      dir,
    );
    const { runId, status } = await taskloom.run("race");
    expect(status).toBe("succeeded");
    const tasks = (await taskloom.queries.getRun(runId)).tasks;
    const byKey = (key: string) => tasks.find((task) => task.key === key);
    expect(byKey("probe[0]")).toMatchObject({ status: "cancelled", reason: "cancelled" });
    expect(byKey("probe[0]")?.error).toContain("another point of `probe` succeeded");
    expect(byKey("probe[1]")?.status).toBe("succeeded");
    expect(byKey("probe[2]")?.status).toBe("skipped");
    expect(byKey("use")?.outputJson).toEqual([null, "fast up", null]);
  });

  it("fails a sweep whose itemsFrom upstream is not an array, saying why; retrying it after the fix expands it", async () => {
    const notList = (listRun: string) => `
plan: notlist
tasks:
  list: { run: "${listRun}", output: json }
  work: { run: "echo hi", requires: [list], sweep: { itemsFrom: list } }
`;
    await taskloom.importPlanSource(notList("echo 42"), dir);
    const { runId, status } = await taskloom.run("notlist");
    expect(status).toBe("failed");
    const work = (await taskloom.queries.getRun(runId)).tasks.find((t) => t.key === "work");
    expect(work).toMatchObject({ status: "failed", reason: "sweep_items" });
    expect(work?.error).toContain("needs a JSON array output");

    // The fix: `list` outputs a list in the plan's current version; retrying the sweep runs `list` again
    // with it and expands from its new output, in the same run.
    await taskloom.importPlanSource(notList("echo '[1, 2]'"), dir);
    await taskloom.operator.retry(runId, "work", "current", { actor: "cli:tester" });
    expect((await taskloom.executeRun(runId)).status).toBe("succeeded");
    const fixed = (await taskloom.queries.getRun(runId)).tasks;
    expect(fixed.find((t) => t.key === "list")).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(fixed.find((t) => t.key === "work")).toMatchObject({
      status: "succeeded",
      outputJson: ["hi", "hi"],
    });
  });
});
