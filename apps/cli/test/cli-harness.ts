import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const REPO = path.resolve(import.meta.dirname, "../../..");
const BIN = path.join(REPO, "apps/cli/bin/taskloom.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A temp directory with its own database (a SQLite file in it, unless another database URL is given); every
 * command runs as a child process, as a user would run it.
 */
export class CliSandbox {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-cli-"));
  readonly db: string;

  constructor(databaseUrl?: string) {
    this.db = databaseUrl ?? `file:${path.join(this.dir, "taskloom.db")}`;
  }

  write(name: string, text: string): string {
    const file = path.join(this.dir, name);
    fs.writeFileSync(file, text);
    return file;
  }

  spawn(args: string[], env: Record<string, string> = {}): ChildProcess & { output: CliResult } {
    const child = spawn(process.execPath, [BIN, "--db", this.db, ...args], {
      cwd: this.dir,
      env: { ...process.env, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output: CliResult = { code: null, stdout: "", stderr: "" };
    child.stdout?.on("data", (chunk: Buffer) => (output.stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output.stderr += chunk.toString()));
    return Object.assign(child, { output });
  }

  run(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
    const child = this.spawn(args, env);
    return new Promise((resolve) => {
      child.on("close", (code) => resolve({ ...child.output, code }));
    });
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function waitFor(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on("close", (code) => resolve(code));
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
