import { readFileSync } from "node:fs";
import type { HttpSpec, NoopSpec, ShellSpec, TaskDefinition, TaskSpec } from "@taskloom/core";
import type { ExecutionRequest, LogStream } from "./execution.ts";

/** Builders and probes shared by this package's tests. Not exported from the package. */

export function taskDefinition(spec: TaskSpec, overrides: Partial<TaskDefinition> = {}): TaskDefinition {
  return {
    key: "step",
    name: "step",
    kind: spec.kind,
    spec,
    params: {},
    requires: [],
    refers: [],
    priority: 0,
    queue: "default",
    retry: { max: 0, backoff: "exponential", delayMs: 1000, maxDelayMs: 60000, jitter: 0.2 },
    timeoutMs: null,
    output: "text",
    ...overrides,
  };
}

export function shellSpec(
  run: string | string[],
  overrides: Partial<Omit<ShellSpec, "kind">> = {},
): ShellSpec {
  return { kind: "shell", run, env: {}, cwd: null, ...overrides };
}

export function httpSpec(url: string, overrides: Partial<Omit<HttpSpec, "kind">> = {}): HttpSpec {
  return { kind: "http", method: "GET", url, headers: {}, body: null, ...overrides };
}

export function noopSpec(output: unknown): NoopSpec {
  return { kind: "noop", output };
}

export function executionRequest(
  definition: TaskDefinition,
  overrides: Partial<ExecutionRequest> = {},
): ExecutionRequest {
  return {
    runId: "run-1",
    planSlug: "demo",
    taskKey: definition.key,
    attempt: 1,
    definition,
    params: {},
    upstream: {},
    baseDir: null,
    ...overrides,
  };
}

export interface LogEntry {
  stream: LogStream;
  text: string;
  /** performance.now() when it arrived. */
  at: number;
}

/** An `onLog` that records what it receives. */
export function logRecorder(): {
  onLog: (stream: LogStream, text: string) => void;
  entries: LogEntry[];
  text(stream: LogStream): string;
} {
  const entries: LogEntry[] = [];
  return {
    onLog: (stream, text) => entries.push({ stream, text, at: performance.now() }),
    entries,
    text: (stream) =>
      entries
        .filter((entry) => entry.stream === stream)
        .map((entry) => entry.text)
        .join(""),
  };
}

/** Whether `pid` is a live process. A zombie counts as gone: it runs nothing and only awaits its reaper. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The state follows the parenthesised command name, which may itself contain spaces or parentheses.
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch (error) {
    // Gone between the two checks, or no /proc here (then the signal probe is all we have).
    return !(error instanceof Error && "code" in error && error.code === "ENOENT");
  }
}

export function readPid(path: string): number {
  const pid = Number(readFileSync(path, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid in ${path}`);
  return pid;
}
