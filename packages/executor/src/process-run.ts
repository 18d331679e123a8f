import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join, resolve as resolvePath } from "node:path";
import { errorMessage } from "./attempt-result.ts";
import { type SupervisedCommand, supervisorArgs } from "./attempt-supervisor.ts";
import type { LogSink } from "./log-sink.ts";
import { type CapturedOutput, OutputCapture } from "./output-capture.ts";
import { ProcessGroup } from "./process-group.ts";

/**
 * Runs one command under its attempt supervisor (attempt-supervisor.ts), in its own process group, and
 * waits for it, streaming its output as it comes. Stopping (timeout or cancel, through `stop`) and the
 * cleanup of processes the command left behind both act on the whole group; if this process dies, the
 * supervisor ends the group by itself.
 */

/**
 * After the command exits and its group is gone, how long stdout/stderr may stay open. Only a process
 * that left the group (`setsid`, a daemon) can still hold them; we stop reading rather than wait for it.
 */
const STDIO_DRAIN_MS = 1000;

export interface ProcessRunOptions {
  command: SupervisedCommand;
  /** The worker running the attempt, for the supervisor's tag. Default none. */
  ownerId?: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Aborting it stops the process group. */
  stop: AbortSignal;
  killGraceMs: number;
  log: LogSink;
}

export type ProcessRunOutcome =
  | { type: "spawn-error"; message: string }
  | {
      type: "exited";
      /** Null when the process was ended by a signal. */
      exitCode: number | null;
      signal: NodeJS.Signals | null;
      /** `stop` fired while the command was still running, so its exit is our doing. */
      stopped: boolean;
      stdout: CapturedOutput;
      /** Last non-blank stderr line, for the error message. */
      stderrLastLine: string | null;
    };

export async function runProcess(options: ProcessRunOptions): Promise<ProcessRunOutcome> {
  // An argv's program is looked up first: under the supervisor a missing one would only be exit code 127.
  if ("argv" in options.command) {
    const problem = programProblem(options.command.argv[0], options.cwd, options.env.PATH);
    if (problem !== null) return { type: "spawn-error", message: problem };
  }
  return supervise(options);
}

function supervise(options: ProcessRunOptions): Promise<ProcessRunOutcome> {
  const { log } = options;
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn("/bin/sh", supervisorArgs(options.command, options.ownerId), {
        cwd: options.cwd,
        // `spawn` types its env as NodeJS.ProcessEnv, which apps may augment (Next makes NODE_ENV required);
        // any string record is what the OS takes.
        env: options.env as NodeJS.ProcessEnv,
        detached: true,
        // stdin is the supervisor's lifeline (see attempt-supervisor.ts): never written, closed by our exit.
        stdio: ["pipe", "pipe", "pipe"],
      });
    } catch (error) {
      // Invalid arguments (a NUL byte in argv, say) throw synchronously rather than emit `error`.
      resolve({ type: "spawn-error", message: errorMessage(error) });
      return;
    }

    const pid = child.pid;
    if (pid === undefined) {
      // The spawn failed (ENOENT, EACCES, ...); Node reports why through the `error` event.
      child.once("error", (error) => resolve({ type: "spawn-error", message: spawnErrorMessage(error) }));
      return;
    }
    log("system", `started pid ${pid} in ${options.cwd}\n`);

    const stdout = new OutputCapture({ onText: (text) => log("stdout", text) });
    const stderr = new OutputCapture({ limitBytes: 0, onText: (text) => log("stderr", text) });
    child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));

    const group = new ProcessGroup(pid, {
      graceMs: options.killGraceMs,
      onSystemLine: (text) => log("system", `${text}\n`),
    });
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let stopped = false;
    let drainTimer: NodeJS.Timeout | null = null;
    let closed = false;

    const onStop = (): void => {
      if (exit !== null) return;
      stopped = true;
      const reason: unknown = options.stop.reason;
      log(
        "system",
        `${reason instanceof Error ? reason.message : "stopping"}; stopping process group ${pid}\n`,
      );
      void group.terminate();
    };
    if (options.stop.aborted) onStop();
    else options.stop.addEventListener("abort", onStop, { once: true });

    // After the spawn succeeded, `error` only reports a failed kill(); the group signals do not go through
    // the ChildProcess, so there is nothing to act on, but an unhandled `error` event would throw.
    child.on("error", (error) => log("system", `process error: ${errorMessage(error)}\n`));

    // Settles once whatever the command left running is gone; `close` waits for it before resolving.
    let cleanup: Promise<void> = Promise.resolve();
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      options.stop.removeEventListener("abort", onStop);
      log("system", signal === null ? `exited with code ${code}\n` : `killed by signal ${signal}\n`);
      cleanup = (group.terminating ?? endLeftovers(group, pid, log)).then(() => {
        if (closed) return;
        drainTimer = setTimeout(() => {
          if (closed) return;
          log("system", "stdout/stderr still held open by a process outside the group; stopped reading\n");
          child.stdout?.destroy();
          child.stderr?.destroy();
        }, STDIO_DRAIN_MS);
      });
    });

    // An EPIPE here would only mean the supervisor is gone, which `exit` reports.
    child.stdin?.on("error", () => {});
    child.once("close", () => {
      closed = true;
      child.stdin?.destroy();
      stdout.end();
      stderr.end();
      void cleanup.then(() => {
        if (drainTimer !== null) clearTimeout(drainTimer);
        resolve({
          type: "exited",
          exitCode: exit?.code ?? null,
          signal: exit?.signal ?? null,
          stopped,
          stdout: stdout.result(),
          stderrLastLine: stderr.lastLine(),
        });
      });
    });
  });
}

/**
 * `cmd &` jobs outlive the shell that started them. They belong to the attempt, so they end with it; a
 * daemon meant to outlive the step must leave the group (`setsid`).
 */
async function endLeftovers(group: ProcessGroup, pid: number, log: LogSink): Promise<void> {
  if (!(await group.isAlive())) return;
  log("system", `processes left running in group ${pid} after the command exited\n`);
  await group.terminate();
}

function spawnErrorMessage(error: Error): string {
  const code = "code" in error ? error.code : undefined;
  if (code === "ENOENT") return "cannot start the attempt supervisor: sh not found";
  return `cannot start the attempt supervisor (sh): ${error.message}`;
}

/**
 * Why `program` cannot be run (as `execvp` would find it), or null when it can. Synchronous: a handful of
 * `access` calls take microseconds, a thread-pool trip each would add wake-ups to every attempt.
 */
function programProblem(program: string, cwd: string, path: string | undefined): string | null {
  const candidates = program.includes("/")
    ? [isAbsolute(program) ? program : resolvePath(cwd, program)]
    : (path ?? "/usr/local/bin:/usr/bin:/bin")
        .split(delimiter)
        .map((dir) => join(dir === "" ? "." : resolvePath(cwd, dir), program));
  let found = false;
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EACCES") found = true;
    }
  }
  return found ? `permission denied: ${program}` : `command not found: ${program}`;
}
