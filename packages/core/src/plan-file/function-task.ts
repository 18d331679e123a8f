import { handlerNameProblem, mapInputStrings } from "../function-task.ts";
import type { FunctionSpec } from "../types.ts";
import { type Check, isJsonValue, own, readField } from "./checks.ts";
import { type DocPath, describeValue, type IssueCollector } from "./issues.ts";

/** Fields only `kind: function` tasks take. */
export const FUNCTION_TASK_FIELDS = ["handler", "input"] as const;

const handlerCheck: Check<string> = (value, path, issues) => {
  const problem = handlerNameProblem(value);
  if (problem === null) return value as string;
  issues.add(
    path,
    typeof value === "string" ? problem : `expected a handler name, got ${describeValue(value)}`,
    typeof value === "string" ? "invalid_value" : "invalid_type",
  );
  return undefined;
};

const inputCheck: Check<unknown> = (value, path, issues) => {
  if (isJsonValue(value)) return JSON.parse(JSON.stringify(value)) as unknown;
  issues.add(
    path,
    "`input` must be a JSON value (null, boolean, number, string, list or mapping)",
    "invalid_value",
  );
  return undefined;
};

/** Reads the function part of a task; problems are reported in `issues`. */
export function readFunctionSpec(
  value: Record<string, unknown>,
  path: DocPath,
  issues: IssueCollector,
): FunctionSpec {
  if (own(value, "handler") === undefined)
    issues.add(path, "missing required field `handler` (for kind function)", "required", "handler");
  const spec: FunctionSpec = {
    kind: "function",
    handler: readField(value, "handler", path, handlerCheck, issues) ?? "",
  };
  if (own(value, "input") !== undefined) {
    const input = readField(value, "input", path, inputCheck, issues);
    if (input !== undefined) spec.input = input;
  }
  return spec;
}

/** The templated strings of a function task's `input`, with their paths below the task. */
export function functionTemplatedFields(spec: FunctionSpec): { path: DocPath; text: string }[] {
  const fields: { path: DocPath; text: string }[] = [];
  if (spec.input === undefined) return fields;
  mapInputStrings(spec.input, (text, path) => {
    fields.push({ path: ["input", ...path], text });
    return text;
  });
  return fields;
}

/** The function spec in plan-file form. */
export function functionSpecFile(spec: FunctionSpec, file: Record<string, unknown>): void {
  file.kind = spec.kind;
  file.handler = spec.handler;
  if (spec.input !== undefined) file.input = spec.input;
}
