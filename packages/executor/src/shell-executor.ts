import { statSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import type { ShellSpec } from "@taskloom/core";
import { preflight } from "./attempt-preflight.ts";
import { cancelledResult, errorMessage, failedResult, succeededResult } from "./attempt-result.ts";
import { createAttemptSignal, type StopReason, timeoutMessage } from "./attempt-signal.ts";
import type { SupervisedCommand } from "./attempt-supervisor.ts";
import { DEFAULT_KILL_GRACE_MS, type ExecutionRequest, type ExecutionResult } from "./execution.ts";
import { parseJsonOutput } from "./json-output.ts";
import { logSinkOf } from "./log-sink.ts";
import { withTruncationMarker } from "./output-capture.ts";
import { type ProcessRunOutcome, runProcess } from "./process-run.ts";
import { type InputsFile, shellEnvironment, writeInputsFile, writeParamsFile } from "./shell-environment.ts";
import { renderField, renderValues, templateContextOf } from "./template-context.ts";

/**
 * A shell step: `run` as a string is a shell script; as an array it is an argv run without a shell. Either
 * runs under an attempt supervisor that ends its process group if the worker dies (attempt-supervisor.ts).
 */
export async function executeShell(req: ExecutionRequest): Promise<ExecutionResult> {
  const start = preflight(req, "shell");
  if (!start.ok) return start.result;
  const { startedAt, spec } = start;

  let prepared: PreparedCommand;
  try {
    prepared = prepareCommand(req, spec);
  } catch (error) {
    // A template that does not render, or an empty command.
    return failedResult(startedAt, "error", errorMessage(error));
  }

  const cwdProblem = directoryProblem(prepared.cwd);
  if (cwdProblem !== null) return failedResult(startedAt, "error", cwdProblem);

  let inputs: Awaited<ReturnType<typeof writeInputsFile>>;
  try {
    inputs = await writeInputsFile(req.upstream);
  } catch (error) {
    return failedResult(startedAt, "error", `cannot write the inputs file: ${errorMessage(error)}`);
  }
  let params: InputsFile | null = null;
  try {
    if (req.point) params = await writeParamsFile(req.point);
  } catch (error) {
    inputs.remove();
    return failedResult(startedAt, "error", `cannot write the params file: ${errorMessage(error)}`);
  }

  const attempt = createAttemptSignal({ timeoutMs: req.definition.timeoutMs, cancel: req.signal });
  try {
    // Preparing took a few awaits; a cancel that came meanwhile should not start the process at all.
    if (attempt.stopReason === "cancelled") return cancelledResult(startedAt);
    const outcome = await runProcess({
      command: prepared.command,
      ...(req.ownerId !== undefined ? { ownerId: req.ownerId } : {}),
      cwd: prepared.cwd,
      env: shellEnvironment(req, prepared.env, inputs.path, params?.path ?? null),
      stop: attempt.signal,
      killGraceMs: req.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
      log: logSinkOf(req),
    });
    return resultOf(req, outcome, attempt.stopReason, startedAt);
  } finally {
    attempt.dispose();
    inputs.remove();
    params?.remove();
  }
}

interface PreparedCommand {
  command: SupervisedCommand;
  cwd: string;
  env: Record<string, string>;
}

function prepareCommand(req: ExecutionRequest, spec: ShellSpec): PreparedCommand {
  const context = templateContextOf(req);
  let command: SupervisedCommand;
  if (typeof spec.run === "string") {
    command = { script: renderField(spec.run, context, "run") };
  } else {
    const [program, ...args] = spec.run.map((arg, index) => renderField(arg, context, `run[${index}]`));
    if (program === undefined || program === "") throw new Error("the command is empty");
    command = { argv: [program, ...args] };
  }
  const cwd = spec.cwd === null ? null : renderField(spec.cwd, context, "cwd");
  const baseDir = req.baseDir ?? process.cwd();
  return {
    command,
    cwd: cwd === null ? baseDir : resolvePath(baseDir, cwd),
    env: renderValues(spec.env, context, "env"),
  };
}

/**
 * Checked before spawning because a missing cwd makes spawn fail with ENOENT, which would read as
 * "command not found". Synchronous, like the inputs file: one `stat` takes microseconds, while a trip
 * through libuv's thread pool costs two thread wake-ups, on the path of every attempt.
 */
function directoryProblem(path: string): string | null {
  try {
    const stats = statSync(path);
    return stats.isDirectory() ? null : `working directory is not a directory: ${path}`;
  } catch (error) {
    const code = error instanceof Error && "code" in error ? error.code : undefined;
    if (code === "ENOENT") return `working directory does not exist: ${path}`;
    return `cannot use working directory ${path}: ${errorMessage(error)}`;
  }
}

function resultOf(
  req: ExecutionRequest,
  outcome: ProcessRunOutcome,
  stopReason: StopReason | null,
  startedAt: number,
): ExecutionResult {
  if (outcome.type === "spawn-error") return failedResult(startedAt, "error", outcome.message);

  const trimmed = outcome.stdout.text.trim();
  const output = {
    exitCode: outcome.exitCode,
    outputText: withTruncationMarker(trimmed, outcome.stdout),
    outputJson: null,
  };
  if (outcome.stopped && stopReason === "cancelled") return cancelledResult(startedAt, output);
  if (outcome.stopped && stopReason === "timeout") {
    const timeoutMs = req.definition.timeoutMs ?? 0;
    return failedResult(startedAt, "timeout", timeoutMessage(timeoutMs), output);
  }

  if (outcome.exitCode !== 0) {
    const ending =
      outcome.exitCode === null
        ? `killed by signal ${outcome.signal ?? "unknown"}`
        : `exit code ${outcome.exitCode}`;
    const error = outcome.stderrLastLine === null ? ending : `${ending}: ${outcome.stderrLastLine}`;
    return failedResult(startedAt, "exit_code", error, output);
  }

  if (req.definition.output === "json") {
    const parsed = parseJsonOutput(trimmed, outcome.stdout);
    if (!parsed.ok) return failedResult(startedAt, "output_parse", parsed.error, output);
    return succeededResult(startedAt, { ...output, outputJson: parsed.json });
  }
  return succeededResult(startedAt, output);
}
