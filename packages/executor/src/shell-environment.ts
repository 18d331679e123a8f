import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { UpstreamOutput } from "@taskloom/core";
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
  return env;
}

export interface InputsFile {
  /** Absolute path of the JSON file, for `TASKLOOM_INPUTS`. */
  path: string;
  /** Deletes the file and its directory; never throws. */
  remove(): Promise<void>;
}

/**
 * Writes `{ "<key>": { "output": ..., "json": ... } }` of the upstream outputs to `inputs.json` in a fresh
 * private temp directory (mkdtemp gives mode 0700), so concurrent attempts never share or race on a file.
 */
export async function writeInputsFile(upstream: Record<string, UpstreamOutput>): Promise<InputsFile> {
  const dir = await mkdtemp(join(tmpdir(), "taskloom-inputs-"));
  const remove = async (): Promise<void> => {
    await rm(dir, { recursive: true, force: true }).catch(() => {
      // A leftover file in the temp dir is harmless; failing the attempt over it would not be.
    });
  };
  const path = join(dir, "inputs.json");
  const inputs: Record<string, { output: string | null; json: unknown }> = {};
  for (const [key, value] of Object.entries(upstream)) {
    inputs[key] = { output: value.output, json: value.json ?? null };
  }
  try {
    await writeFile(path, JSON.stringify(inputs), { mode: 0o600 });
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, remove };
}
