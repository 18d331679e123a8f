import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CliSandbox, exited, waitFor } from "./cli-harness.ts";

let sandbox: CliSandbox;
beforeEach(() => {
  sandbox = new CliSandbox();
});
afterEach(() => {
  sandbox.cleanup();
});

const PLAN = `plan: reports
params: { target: dev, copies: 1 }
tasks:
  build: { run: "echo built {{params.target}}" }
`;

interface ScheduleJson {
  id: string;
  planSlug: string;
  name: string | null;
  enabled: boolean;
  nextFireAt: number | null;
  params: Record<string, unknown>;
  lastRun: { id: string; status: string } | null;
}

async function listJson(): Promise<ScheduleJson[]> {
  const result = await sandbox.run(["schedule", "list", "--json"]);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as ScheduleJson[];
}

describe("taskloom schedule", () => {
  it("lists nothing on a fresh database", async () => {
    const plain = await sandbox.run(["schedule", "list"]);
    expect([plain.code, plain.stdout]).toEqual([0, "no schedules\n"]);
    expect(await listJson()).toEqual([]);
  });

  it("adds, lists, pauses, resumes, triggers and removes schedules", async () => {
    expect((await sandbox.run(["plan", "import", sandbox.write("plan.yaml", PLAN)])).code).toBe(0);
    const added = await sandbox.run([
      "schedule",
      "add",
      "reports",
      "--every",
      "10m",
      "--name",
      "often",
      "--param",
      "target=prod",
      "--param",
      "copies=3",
      "--overlap",
      "queue",
    ]);
    expect(added.stderr).toBe("");
    expect(added.stdout).toMatch(/^schedule reports\/often \(sch_\w+\): every 10m, active, next \d{4}-/);
    const cron = await sandbox.run([
      "schedule",
      "add",
      "reports",
      "--cron",
      "0 9 * * 1-5",
      "--timezone",
      "Europe/Paris",
    ]);
    expect(cron.code).toBe(0);

    const table = await sandbox.run(["schedule", "list"]);
    expect(table.stdout).toContain("every 10m");
    expect(table.stdout).toContain("cron 0 9 * * 1-5 (Europe/Paris)");
    const [often] = await listJson();
    expect(often?.params).toEqual({ target: "prod", copies: 3 });

    expect((await sandbox.run(["schedule", "pause", "reports/often"])).stdout).toContain("paused");
    expect((await listJson())[0]?.enabled).toBe(false);
    expect((await sandbox.run(["schedule", "resume", often?.id ?? ""])).stdout).toContain("active");

    const triggered = await sandbox.run(["schedule", "trigger", "reports/often", "--json"]);
    const run = JSON.parse(triggered.stdout) as { runId: string };
    const shown = JSON.parse((await sandbox.run(["runs", "--json"])).stdout) as {
      id: string;
      trigger: string;
    }[];
    expect(shown.map((r) => [r.id, r.trigger])).toEqual([[run.runId, "schedule"]]);
    expect((await listJson())[0]?.lastRun).toEqual({ id: run.runId, status: "queued" });

    expect((await sandbox.run(["schedule", "remove", "reports/often"])).stdout).toContain("removed");
    expect((await listJson()).map((s) => s.name)).toEqual([null]);
  });

  it("refuses bad schedules with exit code 2 and one line per problem", async () => {
    await sandbox.run(["plan", "import", sandbox.write("plan.yaml", PLAN)]);
    const noRule = await sandbox.run(["schedule", "add", "reports"]);
    expect([noRule.code, noRule.stderr]).toEqual([2, "error: give exactly one of --cron, --every or --at\n"]);
    const bad = await sandbox.run(["schedule", "add", "reports", "--cron", "* *", "--param", "nope=1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^cron: .*5 fields/),
      expect.stringMatching(/^params\.nope: unknown param `nope`/),
    ]);
    const badValue = await sandbox.run([
      "schedule",
      "add",
      "reports",
      "--every",
      "1h",
      "--param",
      "copies=many",
    ]);
    expect([badValue.code, badValue.stderr]).toEqual([
      2,
      "error: param `copies` expects a number, got `many`\n",
    ]);
    const badPolicy = await sandbox.run(["schedule", "add", "reports", "--every", "1h", "--missed", "later"]);
    expect(badPolicy.code).toBe(2);
    const unknown = await sandbox.run(["schedule", "pause", "reports/nothing"]);
    expect([unknown.code, unknown.stderr]).toEqual([1, "error: schedule not found: reports/nothing\n"]);
    expect(await listJson()).toEqual([]);
  });

  it("two workers fire an `at` schedule a few seconds ahead exactly once", async () => {
    await sandbox.run(["plan", "import", sandbox.write("plan.yaml", PLAN)]);
    const workers = [sandbox.spawn(["worker"]), sandbox.spawn(["worker"])];
    await waitFor(() => workers.every((worker) => worker.output.stderr.includes("started")));
    const at = new Date(Date.now() + 3000).toISOString();
    expect((await sandbox.run(["schedule", "add", "reports", "--at", at, "--name", "once"])).code).toBe(0);

    let schedules: ScheduleJson[] = [];
    for (let i = 0; i < 150; i++) {
      schedules = await listJson();
      if (schedules[0]?.lastRun?.status === "succeeded") break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(schedules[0]?.lastRun?.status).toBe("succeeded");
    expect(schedules[0]?.nextFireAt).toBeNull();
    const runs = JSON.parse((await sandbox.run(["runs", "--json"])).stdout) as { trigger: string }[];
    expect(runs.filter((run) => run.trigger === "schedule")).toHaveLength(1);

    for (const worker of workers) worker.kill("SIGTERM");
    for (const worker of workers) expect(await exited(worker)).toBe(0);
  });
});
