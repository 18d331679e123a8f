import { rmSync, unlinkSync, writeFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SweepPoint, UpstreamOutput } from "@taskloom/core";
import type { ExecutionRequest } from "./execution.ts";

/**
 * What a shell step finds in its environment. Besides templating, this is the safe channel for untrusted
 * text: values in variables and in the inputs file are never re-parsed by a shell.
 */

const PARAM_PREFIX = "TASKLOOM_PARAM_";

/** `TASKLOOM_PARAM_<NAME>`: the name upper-cased, every character other than A–Z and 0–9 replaced by `_`. */
export function paramVariableName(name: string): string {
  return PARAM_PREFIX + name.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/**
 * The process environment: the base environment, then the step's own `env`, then the `TASKLOOM_*`
 * variables last, so a step cannot shadow what the executor promises it. Inherited `TASKLOOM_PARAM_*`
 * variables are dropped (a worker started from a task would otherwise leak its params into every step).
 */
export function shellEnvironment(
  req: ExecutionRequest,
  specEnv: Record<string, string>,
  inputsPath: string,
  paramsPath: string | null = null,
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.baseEnv ?? process.env)) {
    if (!name.startsWith(PARAM_PREFIX)) env[name] = value;
  }
  Object.assign(env, specEnv);
  for (const [name, value] of Object.entries(req.params)) env[paramVariableName(name)] = String(value);
  env.TASKLOOM_RUN_ID = req.runId;
  env.TASKLOOM_TASK_KEY = req.taskKey;
  env.TASKLOOM_ATTEMPT = String(req.attempt);
  env.TASKLOOM_PLAN = req.planSlug;
  env.TASKLOOM_INPUTS = inputsPath;
  // Only sweep points get one: it holds the point's own params (its config), as JSON.
  if (paramsPath !== null) env.TASKLOOM_PARAMS_FILE = paramsPath;
  return env;
}

export interface InputsFile {
  /** Absolute path of the JSON file, for `TASKLOOM_INPUTS`. */
  path: string;
  /** Deletes the file; never throws. */
  remove(): void;
}

/**
 * Writes `{ "<key>": { "output": ..., "json": ... } }` of the upstream outputs to a file of its own in this
 * process's private inputs directory (created once by mkdtemp, mode 0700; each file 0600 and created
 * exclusively), so concurrent attempts never share or race on a file. One directory per process rather than
 * one per attempt: creating and removing a directory cost ~0.7 ms of every shell attempt. The file is
 * written and removed synchronously: a small file in the temp dir takes microseconds, and the asynchronous
 * calls (open, write, close, unlink: four trips through libuv's thread pool) added wake-ups to every attempt.
 */
export async function writeInputsFile(upstream: Record<string, UpstreamOutput>): Promise<InputsFile> {
  const inputs: Record<string, { output: string | null; json: unknown }> = {};
  for (const [key, value] of Object.entries(upstream)) {
    inputs[key] = { output: value.output, json: value.json ?? null };
  }
  return writeJsonFile("inputs", inputs);
}

/** A sweep point's own params as `{ "<name>": value }`, for `TASKLOOM_PARAMS_FILE` (same directory and rules). */
export function writeParamsFile(point: SweepPoint): Promise<InputsFile> {
  return writeJsonFile("params", point.params);
}

async function writeJsonFile(prefix: string, value: unknown): Promise<InputsFile> {
  const text = JSON.stringify(value);
  let path = join(await inputsDirectory(), `${prefix}-${++fileCount}.json`);
  try {
    writeFileSync(path, text, { mode: 0o600, flag: "wx" });
  } catch (error) {
    // A temp cleaner may have removed the directory: make a new one, once.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    directory = null;
    path = join(await inputsDirectory(), `${prefix}-${++fileCount}.json`);
    writeFileSync(path, text, { mode: 0o600, flag: "wx" });
  }
  return {
    path,
    remove: () => {
      try {
        unlinkSync(path);
      } catch {
        // A leftover file in the temp dir is harmless; failing the attempt over it would not be.
      }
    },
  };
}

let directory: Promise<string> | null = null;
let fileCount = 0;

/** `taskloom-inputs-<pid>-<random>`: the pid lets a later process remove what a killed one left behind. */
const DIRECTORY_PATTERN = /^taskloom-inputs-(\d+)-/;

function inputsDirectory(): Promise<string> {
  if (directory === null) {
    const made = mkdtemp(join(tmpdir(), `taskloom-inputs-${process.pid}-`));
    directory = made;
    void made.then(
      (dir) => {
        // The directory is empty once every attempt has removed its file; leave nothing behind on exit.
        process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
        void removeLeftovers();
      },
      () => {
        directory = null;
      },
    );
  }
  return directory;
}

/**
 * A process killed with SIGKILL never runs its exit handler, so its directory stays. The first attempt of
 * each process removes the directories of processes that no longer exist; best effort, never throws.
 */
async function removeLeftovers(): Promise<void> {
  try {
    for (const entry of await readdir(tmpdir())) {
      const pid = Number(DIRECTORY_PATTERN.exec(entry)?.[1]);
      if (!Number.isInteger(pid) || pid === process.pid || processExists(pid)) continue;
      // Another user's directory cannot be removed: not ours to worry about.
      await rm(join(tmpdir(), entry), { recursive: true, force: true }).catch(() => {});
    }
  } catch {
    // A temp dir we cannot list: nothing to clean.
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
