import { z } from "zod";
import { DEFAULT_CONTEXT_POLICY } from "../context-types.ts";
import type { LlmSpec } from "../types.ts";
import { fromZod, nonEmptyStringCheck, own, readField, stringCheck } from "./checks.ts";
import { contextPolicyCheck, itemRefListCheck } from "./context-fields.ts";
import type { DocPath, IssueCollector } from "./issues.ts";

/** Fields only `kind: llm` tasks take. `output: text|json` is the common task field. */
export const LLM_TASK_FIELDS = [
  "prompt",
  "system",
  "model",
  "temperature",
  "maxTokens",
  "context",
  "pin",
  "exclude",
] as const;

const temperatureCheck = fromZod(z.number().min(0).max(2));
const maxTokensCheck = fromZod(z.int().positive());

/** Reads the llm part of a task; `undefined` fields are reported in `issues`. */
export function readLlmSpec(value: Record<string, unknown>, path: DocPath, issues: IssueCollector): LlmSpec {
  if (own(value, "prompt") === undefined)
    issues.add(path, "missing required field `prompt` (for kind llm)", "required", "prompt");
  const system = own(value, "system");
  return {
    kind: "llm",
    prompt: readField(value, "prompt", path, nonEmptyStringCheck, issues) ?? "",
    system: system === null ? null : (readField(value, "system", path, stringCheck, issues) ?? null),
    model: readField(value, "model", path, nonEmptyStringCheck, issues) ?? null,
    temperature: readField(value, "temperature", path, temperatureCheck, issues) ?? null,
    maxTokens: readField(value, "maxTokens", path, maxTokensCheck, issues) ?? null,
    context: readField(value, "context", path, contextPolicyCheck, issues) ?? DEFAULT_CONTEXT_POLICY,
    pin: readField(value, "pin", path, itemRefListCheck, issues) ?? [],
    exclude: readField(value, "exclude", path, itemRefListCheck, issues) ?? [],
  };
}

/** The templated fields of an llm task, for the template checks: `prompt` and `system`. */
export function llmTemplatedFields(spec: LlmSpec): { path: DocPath; text: string }[] {
  const fields = [{ path: ["prompt"], text: spec.prompt }];
  if (spec.system !== null) fields.push({ path: ["system"], text: spec.system });
  return fields;
}

/** The llm spec in plan-file form: fields equal to their defaults are left out. */
export function llmSpecFile(spec: LlmSpec, file: Record<string, unknown>): void {
  file.kind = spec.kind;
  file.prompt = spec.prompt;
  if (spec.system !== null) file.system = spec.system;
  if (spec.model !== null) file.model = spec.model;
  if (spec.temperature !== null) file.temperature = spec.temperature;
  if (spec.maxTokens !== null) file.maxTokens = spec.maxTokens;
  const context = contextFile(spec.context);
  if (Object.keys(context).length > 0) file.context = context;
  if (spec.pin.length > 0) file.pin = [...spec.pin];
  if (spec.exclude.length > 0) file.exclude = [...spec.exclude];
}

function contextFile(policy: LlmSpec["context"]): Record<string, unknown> {
  const file: Record<string, unknown> = {};
  const defaults = DEFAULT_CONTEXT_POLICY;
  if (policy.budget !== defaults.budget) file.budget = policy.budget;
  if (policy.k !== defaults.k) file.k = policy.k;
  if (policy.summarize !== defaults.summarize) file.summarize = policy.summarize;
  const include: Record<string, boolean> = {};
  for (const name of ["siblings", "notes", "retrieval"] as const) {
    if (policy.include[name] !== defaults.include[name]) include[name] = policy.include[name];
  }
  if (Object.keys(include).length > 0) file.include = include;
  return file;
}
