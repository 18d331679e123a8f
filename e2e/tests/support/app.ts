import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through playwright.config.ts`);
  return value;
}

/** The temporary directory of this test run: the database lives here, and tests write their files here. */
export const e2eDir = required("TASKLOOM_E2E_DIR");
/** The database the server under test uses (fresh for each test run). */
export const databaseUrl = required("TASKLOOM_E2E_DATABASE_URL");

const cliBin = path.resolve(import.meta.dirname, "../../../apps/cli/bin/taskloom.js");

/** Runs the `taskloom` CLI on the server's database (for preconditions, never for the action under test). */
export async function taskloom(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [cliBin, "--db", databaseUrl, ...args], {
    cwd: e2eDir,
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 30_000,
  });
  return stdout;
}

/**
 * Starts a long-running `taskloom` command on the server's database (a second worker) and resolves once its
 * stderr matches `ready`, with the process and the match. Stop it with `child.kill()`.
 */
export async function startCli(
  ready: RegExp,
  ...args: string[]
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [cliBin, "--db", databaseUrl, ...args], {
    cwd: e2eDir,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = ready.exec(stderr);
      if (found) resolve(found);
    });
    child.once("exit", (code) =>
      reject(new Error(`taskloom ${args.join(" ")} exited (${code}):\n${stderr}`)),
    );
  });
  return { child, match };
}

/**
 * `taskloom run <file> --json` on the server's database: imports the plan and runs it to its end in the CLI's
 * own process (the "started elsewhere" of the live tests). Resolves with the run's id and status, failed or not.
 */
export async function runFileWithCli(file: string): Promise<{ id: string; status: string }> {
  const args = [cliBin, "--db", databaseUrl, "run", file, "--json"];
  // A failed run exits non-zero with its summary on stdout; anything else is the CLI's own failure.
  const result = await run(process.execPath, args, { cwd: e2eDir, timeout: 60_000 }).catch(
    (error: { stdout?: string; stderr?: string }) => ({
      stdout: error.stdout ?? "",
      stderr: error.stderr ?? "",
    }),
  );
  if (result.stdout.trim() === "")
    throw new Error(`taskloom run ${file} printed no summary:\n${result.stderr}`);
  return (JSON.parse(result.stdout) as { run: { id: string; status: string } }).run;
}

let counter = 0;
/** A plan slug no other test (or earlier run of this one) uses: tests share one database. */
export function uniqueSlug(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}${counter}`;
}

/** Imports a plan file's text through the CLI and returns its slug. */
export async function importPlan(yaml: string): Promise<void> {
  const file = path.join(e2eDir, `plan-${Date.now()}-${++counter}.yaml`);
  fs.writeFileSync(file, yaml);
  await taskloom("plan", "import", file);
}

/** A path inside the test run's directory, for files that shell tasks read or wait for. */
export function e2ePath(name: string): string {
  return path.join(e2eDir, name);
}

/** `requires` of each task of a stored plan, read through the CLI: `{ task: [upstream, …] }`. */
export async function storedRequires(slug: string): Promise<Record<string, string[]>> {
  const tasks = JSON.parse(await taskloom("list-tasks", "--plan", slug, "--json")) as {
    key: string;
    requires: string[];
  }[];
  return Object.fromEntries(tasks.map((task) => [task.key, task.requires]));
}
