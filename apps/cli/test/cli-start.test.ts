import fs from "node:fs";
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

const version = (
  JSON.parse(fs.readFileSync(path.join(REPO, "apps/cli/package.json"), "utf8")) as { version: string }
).version;

describe("starting the CLI", () => {
  it("prints its version with --version and -V, and exits 0", async () => {
    for (const flag of ["--version", "-V"]) {
      const result = await sandbox.run([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
    }
  });

  it("runs the built bundle when it is fresh, and the sources when asked to", async () => {
    expect(fs.existsSync(path.join(REPO, "apps/cli/dist/taskloom.js"))).toBe(true);
    const built = await sandbox.run(["--verbose", "--version"]);
    expect(built.stdout).toBe(`${version}\n`);
    expect(built.stderr).not.toContain("running from the sources");
    const sources = await sandbox.run(["--verbose", "--version"], { TASKLOOM_CLI_SOURCE: "1" });
    expect(sources.stdout).toBe(`${version}\n`);
    expect(sources.stderr).toContain("running from the sources");
  });

  it("the bundle finds the migrations and the examples from anywhere", async () => {
    const result = await sandbox.run(["run", path.join(REPO, "examples/diamond.yaml"), "--json"]);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { run: { status: string } }).run.status).toBe("succeeded");
  });

  it("start --register refuses a tasks file that does not load, or a worker it will not start, with exit 2", async () => {
    const missing = await sandbox.run(["start", "--register", "./no-such-tasks.ts"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no-such-tasks.ts");
    const noWorker = await sandbox.run(["start", "--no-worker", "--register", "./tasks.ts"]);
    expect(noWorker.code).toBe(2);
    expect(noWorker.stderr).toContain("--register needs the worker");
  });
});
