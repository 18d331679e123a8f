import { type ChildProcess, spawn } from "node:child_process";
import { errorMessage } from "./attempt-result.ts";
import type { LogSink } from "./log-sink.ts";
import { type CapturedOutput, OutputCapture } from "./output-capture.ts";
import { ProcessGroup } from "./process-group.ts";

/**
 * Runs one process in its own process group and waits for it, streaming its output as it comes. Stopping
 * (timeout or cancel, through `stop`) and the cleanup of processes the command left behind both act on the
 * whole group.
 */

/**
 * After the command exits and its group is gone, how long stdout/stderr may stay open. Only a process
 * that left the group (`setsid`, a daemon) can still hold them; we stop reading rather than wait for it.
 */
const STDIO_DRAIN_MS = 1000;

export interface ProcessRunOptions {
  command: string;
  args: string[];
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

export function runProcess(options: ProcessRunOptions): Promise<ProcessRunOutcome> {
  const { log } = options;
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(options.command, options.args, {
        cwd: options.cwd,
        // `spawn` types its env as NodeJS.ProcessEnv, which apps may augment (Next makes NODE_ENV required);
        // any string record is what the OS takes.
        env: options.env as NodeJS.ProcessEnv,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      // Invalid arguments (a NUL byte in argv, say) throw synchronously rather than emit `error`.
      resolve({ type: "spawn-error", message: errorMessage(error) });
      return;
    }

    const pid = child.pid;
    if (pid === undefined) {
      // The spawn failed (ENOENT, EACCES, ...); Node reports why through the `error` event.
      child.once("error", (error) =>
        resolve({ type: "spawn-error", message: spawnErrorMessage(options, error) }),
      );
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

    child.once("close", () => {
      closed = true;
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

function spawnErrorMessage(options: ProcessRunOptions, error: Error): string {
  const code = "code" in error ? error.code : undefined;
  if (code === "ENOENT") return `command not found: ${options.command}`;
  if (code === "EACCES") return `permission denied: ${options.command}`;
  return `cannot start ${options.command}: ${error.message}`;
}
