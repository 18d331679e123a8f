import type { z } from "zod";
import type { PlanIssue, PlanIssueCode } from "../errors.ts";

/** A path into the plan document: mapping keys and sequence indices. */
export type DocPath = readonly (string | number)[];

/** Where a path is in the source text (1-based), when the document came from text. */
export type Locate = (path: DocPath) => { line: number; column: number } | undefined;

const PLAIN_SEGMENT = /^[A-Za-z0-9_-]+$/;

/** `["tasks", "fetch", "requires", 0]` → `tasks.fetch.requires[0]`; odd keys are quoted: `env["a.b"]`. */
export function formatPath(path: DocPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (PLAIN_SEGMENT.test(segment)) text += text === "" ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** A short description of a value's type for messages: `a string`, `a list`, `a mapping`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
      return Number.isFinite(value) ? "a number" : `${value}`;
    case "boolean":
      return "a boolean";
    case "object":
      return isPlainObject(value) ? "a mapping" : `a ${value.constructor?.name ?? "object"}`;
    default:
      return `a ${typeof value}`;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "a boolean",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

/** One zod issue as plan issues (an unrecognized-keys issue becomes one per key). */
function fromZodIssue(issue: z.core.$ZodIssue): { path: DocPath; message: string; code: PlanIssueCode }[] {
  const path = issue.path.filter((segment) => typeof segment !== "symbol") as (string | number)[];
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: `unknown field \`${key}\``,
        code: "unknown_field" as const,
      }));
    case "invalid_type": {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      const got = "input" in issue ? describeValue(issue.input) : undefined;
      return [
        {
          path,
          message: got === undefined ? `expected ${expected}` : `expected ${expected}, got ${got}`,
          code: "invalid_type",
        },
      ];
    }
    case "invalid_value": {
      const options = issue.values.map(String).join(", ");
      const got = "input" in issue ? ` (got \`${String(issue.input)}\`)` : "";
      return [{ path, message: `expected one of: ${options}${got}`, code: "invalid_value" }];
    }
    case "too_small": {
      const minimum = String(issue.minimum);
      const code = "too_small";
      if (issue.origin === "string") {
        const message = minimum === "1" ? "must not be empty" : `must be at least ${minimum} characters`;
        return [{ path, message, code }];
      }
      if (issue.origin === "array") {
        const message = minimum === "1" ? "must not be empty" : `must have at least ${minimum} items`;
        return [{ path, message, code }];
      }
      return [{ path, message: `must be at least ${minimum}`, code }];
    }
    case "too_big": {
      const maximum = String(issue.maximum);
      const code = "too_big";
      if (issue.origin === "string")
        return [{ path, message: `must be at most ${maximum} characters`, code }];
      if (issue.origin === "array") return [{ path, message: `must have at most ${maximum} items`, code }];
      if (issue.origin === "int" || issue.origin === "number") {
        return [{ path, message: `must be at most ${maximum}`, code }];
      }
      return [{ path, message: issue.message, code }];
    }
    case "invalid_format":
      return [{ path, message: issue.message || "invalid value", code: "invalid_value" }];
    default:
      return [{ path, message: issue.message || "invalid value", code: "invalid" }];
  }
}

/** Collects every problem found in a plan, with source positions when the plan came from text. */
export class IssueCollector {
  readonly issues: PlanIssue[] = [];
  private readonly locate: Locate | undefined;

  constructor(locate?: Locate) {
    this.locate = locate;
  }

  get count(): number {
    return this.issues.length;
  }

  /** `field`: for a missing field (`required`), its name: the issue sits on its parent, the fix goes there. */
  add(path: DocPath, message: string, code: PlanIssueCode, field?: string): void {
    const fieldPath = field === undefined ? [...path] : [...path, field];
    const issue: PlanIssue = { path: formatPath(path), fieldPath, code, message };
    const position = this.locate?.(path);
    if (position !== undefined) {
      issue.line = position.line;
      issue.column = position.column;
    }
    this.issues.push(issue);
  }

  /** Adds an issue whose position is already known (a syntax error). */
  push(path: DocPath, message: string, code: PlanIssueCode, line: number, column: number): void {
    this.issues.push({ path: formatPath(path), fieldPath: [...path], code, message, line, column });
  }

  addZod(error: z.ZodError, base: DocPath): void {
    for (const issue of error.issues) {
      for (const { path, message, code } of fromZodIssue(issue)) this.add([...base, ...path], message, code);
    }
  }

  /** The issues ordered by line (stable; issues without a line keep their place at the end). */
  sorted(): PlanIssue[] {
    return this.issues
      .map((issue, index) => ({ issue, index }))
      .sort((a, b) => (a.issue.line ?? Infinity) - (b.issue.line ?? Infinity) || a.index - b.index)
      .map(({ issue }) => issue);
  }
}
