import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { RunStatus } from "@taskloom/core";
import { createTestDatabase, postgresDescribe, type TestDatabase } from "@taskloom/db/postgres-test-database";
import { Taskloom } from "@taskloom/engine";
import { afterEach, beforeEach, expect, it } from "vitest";
import { CliSandbox, exited, REPO, waitFor } from "./cli-harness.ts";

/**
 * The CLI on PostgreSQL, as a user runs it: `--db postgresql://…` on a fresh database (migrated by the
 * command itself), and several `taskloom worker` processes sharing one database.
 */

const describePostgres = await postgresDescribe();

let testDb: TestDatabase;
let sandbox: CliSandbox;

describePostgres("taskloom on PostgreSQL", () => {
  beforeEach(async () => {
    testDb = await createTestDatabase();
    sandbox = new CliSandbox(testDb.url);
  });
  afterEach(async () => {
    sandbox.cleanup();
    await testDb.drop();
  });

  it("runs the ETL example to success", async () => {
    const result = await sandbox.run(["run", path.join(REPO, "examples/etl.yaml"), "--json"]);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { run: { id: string; status: RunStatus } };
    expect(summary.run.status).toBe("succeeded");
    const taskloom = await Taskloom.open({ databaseUrl: testDb.url, cwd: sandbox.dir });
    try {
      expect(taskloom.database.provider).toBe("postgresql");
      const run = await taskloom.queries.getRun(summary.run.id);
      expect(run.status).toBe("succeeded");
      expect(run.tasks.map((task) => task.status)).toEqual(run.tasks.map(() => "succeeded"));
      expect(run.tasks.find((task) => task.key === "report")?.outputText).toMatch(/north/);
    } finally {
      await taskloom.close();
    }
  });

  it("runs a 500-task run on two worker processes: every task succeeds exactly once", async () => {
    const logFile = path.join(sandbox.dir, "attempts.log");
    fs.writeFileSync(logFile, "");
    // Ten chains of fifty, so that both workers keep claiming as each step releases the next.
    const lines = ["plan: wide", "tasks:"];
    for (let chain = 0; chain < 10; chain++) {
      for (let step = 0; step < 50; step++) {
        lines.push(`  c${chain}s${step}:`);
        lines.push(`    run: 'echo "$TASKLOOM_TASK_KEY $TASKLOOM_ATTEMPT" >> ${logFile}'`);
        if (step > 0) lines.push(`    requires: [c${chain}s${step - 1}]`);
      }
    }
    const planFile = sandbox.write("wide.yaml", `${lines.join("\n")}\n`);
    const workers = [sandbox.spawn(["worker", "-c", "8"]), sandbox.spawn(["worker", "-c", "8"])];
    await waitFor(() => workers.every((worker) => /worker \S+ started/.test(worker.output.stderr)));

    const enqueued = await sandbox.run(["run", planFile, "--enqueue"]);
    expect(enqueued.code).toBe(0);
    const runId = enqueued.stdout.trim();
    const taskloom = await Taskloom.open({ databaseUrl: testDb.url, cwd: sandbox.dir });
    try {
      const deadline = Date.now() + 50_000;
      let status = await taskloom.store.getRunStatus(runId);
      while ((status === "queued" || status === "running") && Date.now() < deadline) {
        await sleep(100);
        status = await taskloom.store.getRunStatus(runId);
      }
      for (const worker of workers) worker.kill("SIGTERM");
      const codes = await Promise.all(workers.map(exited));
      expect(status).toBe("succeeded");
      expect(codes).toEqual([0, 0]);

      // What the processes did: each task ran once, as its first attempt.
      const ran = fs.readFileSync(logFile, "utf8").trim().split("\n");
      expect(ran).toHaveLength(500);
      expect(new Set(ran.map((line) => line.split(" ")[0])).size).toBe(500);
      expect(ran.every((line) => line.endsWith(" 1"))).toBe(true);
      // What the database recorded: one success per task, claims by both workers.
      const events = await taskloom.store.readEvents({ afterId: 0, runId, limit: 100_000 });
      const successes = events.filter((e) => e.type === "task_run.status" && e.toStatus === "succeeded");
      expect(new Set(successes.map((e) => e.taskKey)).size).toBe(500);
      expect(successes).toHaveLength(500);
      const claimers = new Set(events.filter((e) => e.toStatus === "running").map((e) => e.data?.workerId));
      claimers.delete(undefined);
      expect(claimers.size).toBe(2);
    } finally {
      for (const worker of workers) if (worker.exitCode === null) worker.kill("SIGKILL");
      await taskloom.close();
    }
  });
});
