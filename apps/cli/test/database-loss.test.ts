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

const slowPlan = `
plan: slow
tasks:
  first: { run: "sleep 1" }
  second: { run: "sleep 1", requires: [first] }
`;

const deleteDatabase = (dir: string) => {
  for (const name of ["taskloom.db", "taskloom.db-wal", "taskloom.db-shm"]) {
    fs.rmSync(path.join(dir, name), { force: true });
  }
};

describe("a database file deleted while in use", () => {
  it("stops taskloom run with a clear error instead of reporting success", async () => {
    const file = sandbox.write("slow.yaml", slowPlan);
    const child = sandbox.spawn(["run", file]);
    await waitFor(() => child.output.stderr.includes("first") || child.output.stdout.includes("first"));
    deleteDatabase(sandbox.dir);
    const code = await exited(child);
    expect(code).toBe(1);
    expect(child.output.stderr).toMatch(/the database file .*taskloom\.db was deleted/);
    expect(child.output.stdout + child.output.stderr).not.toMatch(/succeeded\b.*run/i);
  });

  it("stops taskloom worker with the same error", async () => {
    const child = sandbox.spawn(["worker"]);
    await waitFor(() => child.output.stderr.includes("started"));
    deleteDatabase(sandbox.dir);
    expect(await exited(child)).toBe(1);
    expect(child.output.stderr).toMatch(/the database file .*taskloom\.db was deleted/);
  });
});
