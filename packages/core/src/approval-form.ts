import { BadInputError } from "./errors.ts";
import type { ParamValue } from "./types.ts";

/**
 * The typed input form of an approval task: a subset of JSON Schema (an object whose properties are strings,
 * numbers, integers or booleans, with `enum`, `required`, bounds and defaults). The plan-file reader
 * (`plan-file/approval-task.ts`) builds it, reporting every problem as a plan issue; `checkApprovalValues`
 * checks what an approver submits against it, on the server and in the dashboard alike.
 */
export const APPROVAL_FIELD_TYPES = ["string", "number", "integer", "boolean"] as const;
export type ApprovalFieldType = (typeof APPROVAL_FIELD_TYPES)[number];

/** One property of an approval form. Optional members are absent when the file does not set them. */
export interface ApprovalField {
  type: ApprovalFieldType;
  /** The label shown to the approver. Absent: the property name. */
  title?: string;
  /** Help text under the input. Absent: none. */
  description?: string;
  /** The only values allowed (strings for `string`, numbers for `number`/`integer`); the form shows a select. */
  enum?: (string | number)[];
  /** Smallest allowed value (`number`, `integer`). Absent: no bound. */
  minimum?: number;
  /** Largest allowed value (`number`, `integer`). Absent: no bound. */
  maximum?: number;
  /** Shortest allowed text (`string`). Absent: no bound. */
  minLength?: number;
  /** Longest allowed text (`string`). Absent: no bound. */
  maxLength?: number;
  /** The value used when the approver gives none (it must satisfy the field's own rules). Absent: none. */
  default?: ParamValue;
}

export interface ApprovalForm {
  type: "object";
  /** The fields, in the order the form shows them. */
  properties: Record<string, ApprovalField>;
  /** Fields that must have a value (given, or from their `default`). Default `[]`. */
  required: string[];
}

export type ApprovalValues = Record<string, ParamValue>;

/** One refused form value: which field, and why (shown next to the field). */
export interface ApprovalFieldError {
  field: string;
  message: string;
}

/** Submitted form values that break the task's form (API: BAD_REQUEST with `formErrors`; CLI: exit 2). */
export class ApprovalInputError extends BadInputError {
  readonly fields: ApprovalFieldError[];
  constructor(taskKey: string, fields: ApprovalFieldError[]) {
    super(
      `the input of approval \`${taskKey}\` is invalid: ${fields.map((f) => `${f.field}: ${f.message}`).join("; ")}`,
    );
    this.fields = fields;
  }
}

/** Why `value` does not satisfy `field` (a value of the right JS type is expected), or null. */
export function approvalFieldProblem(field: ApprovalField, value: ParamValue): string | null {
  switch (field.type) {
    case "boolean":
      return typeof value === "boolean" ? null : "must be true or false";
    case "string":
      if (typeof value !== "string") return "must be text";
      if (field.minLength !== undefined && value.length < field.minLength)
        return field.minLength === 1 ? "must not be empty" : `must be at least ${field.minLength} characters`;
      if (field.maxLength !== undefined && value.length > field.maxLength)
        return `must be at most ${field.maxLength} characters`;
      break;
    case "number":
    case "integer":
      if (typeof value !== "number" || !Number.isFinite(value)) return "must be a number";
      if (field.type === "integer" && !Number.isInteger(value)) return "must be a whole number";
      if (field.minimum !== undefined && value < field.minimum) return `must be at least ${field.minimum}`;
      if (field.maximum !== undefined && value > field.maximum) return `must be at most ${field.maximum}`;
      break;
  }
  if (field.enum !== undefined && !field.enum.includes(value as string | number)) {
    return `must be one of ${field.enum.map((option) => JSON.stringify(option)).join(", ")}`;
  }
  return null;
}

/**
 * A value typed as text (the CLI's `--input key=value`, an HTML input) as the field's type: numbers parsed,
 * `true`/`false` for booleans. Text that is not of the type stays text, so the check reports it.
 */
export function coerceApprovalText(field: ApprovalField, text: string): ParamValue {
  switch (field.type) {
    case "string":
      return text;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : text;
    case "number":
    case "integer": {
      const number = text.trim() === "" ? Number.NaN : Number(text);
      return Number.isFinite(number) ? number : text;
    }
  }
}

/**
 * Checks submitted values against the form and returns them complete, in the form's field order, with
 * defaults filled in. Without a form, any value is refused (there is nothing to fill in).
 * @throws ApprovalInputError naming every field in trouble.
 */
export function checkApprovalValues(
  taskKey: string,
  form: ApprovalForm | null,
  submitted: Record<string, unknown>,
): ApprovalValues {
  const properties = form?.properties ?? {};
  const errors: ApprovalFieldError[] = [];
  for (const name of Object.keys(submitted)) {
    if (!Object.hasOwn(properties, name)) {
      errors.push({
        field: name,
        message: form ? "is not a field of this form" : "this approval has no form",
      });
    }
  }
  const values: ApprovalValues = {};
  for (const [name, field] of Object.entries(properties)) {
    const given = Object.hasOwn(submitted, name) ? submitted[name] : undefined;
    const value = given === undefined || given === null ? field.default : given;
    if (value === undefined) {
      if (form?.required.includes(name)) errors.push({ field: name, message: "is required" });
      continue;
    }
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      errors.push({ field: name, message: `must be a ${field.type}` });
      continue;
    }
    const problem = approvalFieldProblem(field, value);
    if (problem !== null) errors.push({ field: name, message: problem });
    else values[name] = value;
  }
  if (errors.length > 0) throw new ApprovalInputError(taskKey, errors);
  return values;
}
