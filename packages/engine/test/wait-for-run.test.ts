import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { Taskloom } from "../src/index.ts";

let dir: string;
let taskloom: Taskloom;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-wait-"));
  taskloom = await Taskloom.open({ databaseUrl: `file:${path.join(dir, "t.db")}`, cwd: dir, pollMs: 50 });
});
afterEach(async () => {
  await taskloom.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it("waitForRun holds its process open while another process runs every task of the run", async () => {
  await taskloom.importPlanSource("plan: elsewhere\ntasks:\n  slow: { run: sleep 1 }\n");
  const { runId } = await taskloom.startRun("elsewhere");
  const waiter = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(import.meta.dirname, "fixtures/wait-for-run.ts"),
      `file:${path.join(dir, "t.db")}`,
      runId,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let output = "";
  waiter.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  // This process does the work; the waiter has no worker, so only its wait keeps it running.
  const started = new Promise<void>((resolve) => waiter.stdout.once("data", () => resolve()));
  await started;
  const worker = taskloom.createWorker();
  await worker.start();
  const code = await new Promise<number | null>((resolve) => waiter.once("exit", resolve));
  await worker.stop();
  expect(output).toContain("final succeeded");
  expect(code).toBe(0);
}, 60_000);
