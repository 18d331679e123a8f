import { z } from "zod";
import {
  APPROVAL_FIELD_TYPES,
  type ApprovalField,
  type ApprovalForm,
  approvalFieldProblem,
} from "../approval-form.ts";
import type { ApprovalSpec, ParamValue } from "../types.ts";
import { fromZod, nonEmptyStringCheck, own, PARAM_NAME_PATTERN, readField, stringCheck } from "./checks.ts";
import { formatDuration } from "./duration.ts";
import { type DocPath, describeValue, type IssueCollector, isPlainObject } from "./issues.ts";

/**
 * Fields only `kind: approval` tasks take. `timeout` is the common task field; on an approval it is how long
 * the approval waits (and `defaults.timeout` does not apply to it).
 */
export const APPROVAL_TASK_FIELDS = ["prompt", "description", "form", "onTimeout"] as const;

const onTimeoutCheck = fromZod(z.enum(["approve", "reject"]));
const FORM_FIELDS = ["type", "properties", "required"] as const;
const PROPERTY_FIELDS = [
  "type",
  "title",
  "description",
  "enum",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "default",
] as const;
const lengthCheck = fromZod(z.int().min(0));
const boundCheck = fromZod(z.number());

/**
 * Reads the approval part of a task (`timeoutMs` comes from the task's `timeout`, already read); problems are
 * reported in `issues`. `prompt` is shared with llm tasks, so it is read here with the approval's rules.
 */
export function readApprovalSpec(
  value: Record<string, unknown>,
  path: DocPath,
  timeoutMs: number | null | undefined,
  issues: IssueCollector,
): ApprovalSpec {
  const rawForm = own(value, "form");
  const form =
    rawForm === undefined || rawForm === null ? null : (readForm(rawForm, [...path, "form"], issues) ?? null);
  const onTimeout = readField(value, "onTimeout", path, onTimeoutCheck, issues) ?? "reject";
  // The timeout approves with the form's defaults: a required field needs one.
  if (onTimeout === "approve" && form !== null) {
    for (const name of form.required) {
      if (form.properties[name]?.default === undefined) {
        issues.add(
          [...path, "onTimeout"],
          `onTimeout: approve fills the form with its defaults, so required field \`${name}\` needs a \`default\``,
          "invalid_value",
        );
      }
    }
  }
  return {
    kind: "approval",
    prompt: readField(value, "prompt", path, nonEmptyStringCheck, issues) ?? null,
    description: readField(value, "description", path, stringCheck, issues) ?? null,
    form,
    timeoutMs: timeoutMs ?? null,
    onTimeout,
  };
}

function unknownFields(
  value: Record<string, unknown>,
  allowed: readonly string[],
  path: DocPath,
  issues: IssueCollector,
): void {
  for (const field of Object.keys(value)) {
    if (!allowed.includes(field)) {
      issues.add(
        [...path, field],
        `unknown field \`${field}\` (allowed: ${allowed.join(", ")})`,
        "unknown_field",
      );
    }
  }
}

function readForm(value: unknown, path: DocPath, issues: IssueCollector): ApprovalForm | undefined {
  if (!isPlainObject(value)) {
    issues.add(
      path,
      `expected a mapping (type, properties, required), got ${describeValue(value)}`,
      "invalid_type",
    );
    return undefined;
  }
  const before = issues.count;
  unknownFields(value, FORM_FIELDS, path, issues);
  const type = own(value, "type");
  if (type !== undefined && type !== "object") {
    issues.add(
      [...path, "type"],
      `a form is an object: expected \`object\`, got ${describeValue(type)}`,
      "invalid_value",
    );
  }
  const rawProperties = own(value, "properties");
  const properties: Record<string, ApprovalField> = {};
  if (rawProperties === undefined) {
    issues.add(path, "missing required field `properties` (the form's fields)", "required", "properties");
  } else if (!isPlainObject(rawProperties)) {
    issues.add(
      [...path, "properties"],
      `expected a mapping of field names to fields, got ${describeValue(rawProperties)}`,
      "invalid_type",
    );
  } else {
    for (const [name, raw] of Object.entries(rawProperties)) {
      const at = [...path, "properties", name];
      if (!PARAM_NAME_PATTERN.test(name)) {
        issues.add(
          at,
          `invalid field name \`${name}\`: use letters, digits and \`_\`, not starting with a digit`,
          "invalid_key",
        );
        continue;
      }
      const field = readProperty(raw, at, issues);
      if (field !== undefined) properties[name] = field;
    }
  }
  const required = readField(value, "required", path, fromZod(z.array(z.string())), issues) ?? [];
  required.forEach((name, index) => {
    if (isPlainObject(rawProperties) && !Object.hasOwn(rawProperties, name)) {
      issues.add([...path, "required", index], `unknown field \`${name}\` in required`, "invalid_value");
    }
  });
  if (issues.count > before) return undefined;
  return { type: "object", properties, required: [...new Set(required)] };
}

function readProperty(value: unknown, path: DocPath, issues: IssueCollector): ApprovalField | undefined {
  if (!isPlainObject(value)) {
    issues.add(path, `expected a mapping with a \`type\`, got ${describeValue(value)}`, "invalid_type");
    return undefined;
  }
  const before = issues.count;
  unknownFields(value, PROPERTY_FIELDS, path, issues);
  const type = own(value, "type");
  if (type === undefined) {
    issues.add(
      path,
      `missing required field \`type\` (${APPROVAL_FIELD_TYPES.join(", ")})`,
      "required",
      "type",
    );
    return undefined;
  }
  const parsedType = fromZod(z.enum(APPROVAL_FIELD_TYPES))(type, [...path, "type"], issues);
  if (parsedType === undefined) return undefined;
  const field: ApprovalField = { type: parsedType };
  const title = readField(value, "title", path, nonEmptyStringCheck, issues);
  if (title !== undefined) field.title = title;
  const description = readField(value, "description", path, stringCheck, issues);
  if (description !== undefined) field.description = description;
  const numeric = parsedType === "number" || parsedType === "integer";
  const onlyFor = (name: string, allowed: boolean, kinds: string) => {
    if (own(value, name) !== undefined && !allowed) {
      issues.add([...path, name], `\`${name}\` applies to ${kinds} fields only`, "field_not_allowed");
      return false;
    }
    return allowed;
  };
  if (onlyFor("minimum", numeric, "number and integer")) {
    const minimum = readField(value, "minimum", path, boundCheck, issues);
    if (minimum !== undefined) field.minimum = minimum;
  }
  if (onlyFor("maximum", numeric, "number and integer")) {
    const maximum = readField(value, "maximum", path, boundCheck, issues);
    if (maximum !== undefined) field.maximum = maximum;
  }
  if (onlyFor("minLength", parsedType === "string", "string")) {
    const minLength = readField(value, "minLength", path, lengthCheck, issues);
    if (minLength !== undefined) field.minLength = minLength;
  }
  if (onlyFor("maxLength", parsedType === "string", "string")) {
    const maxLength = readField(value, "maxLength", path, lengthCheck, issues);
    if (maxLength !== undefined) field.maxLength = maxLength;
  }
  const low = field.minimum ?? field.minLength;
  const high = field.maximum ?? field.maxLength;
  if (low !== undefined && high !== undefined && low > high) {
    const name = numeric ? "minimum" : "minLength";
    issues.add(
      [...path, name],
      `\`${name}\` (${low}) is greater than the maximum (${high})`,
      "invalid_value",
    );
  }
  if (onlyFor("enum", parsedType !== "boolean", "string, number and integer")) {
    const options = readEnum(own(value, "enum"), field, [...path, "enum"], issues);
    if (options !== undefined) field.enum = options;
  }
  const fallback = own(value, "default");
  if (fallback !== undefined && issues.count === before) {
    const problem =
      typeof fallback === "string" || typeof fallback === "number" || typeof fallback === "boolean"
        ? approvalFieldProblem(field, fallback)
        : `must be a ${parsedType}`;
    if (problem === null) field.default = fallback as ParamValue;
    else issues.add([...path, "default"], `the default ${problem}`, "invalid_value");
  }
  return issues.count === before ? field : undefined;
}

function readEnum(
  value: unknown,
  field: ApprovalField,
  path: DocPath,
  issues: IssueCollector,
): (string | number)[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    issues.add(
      path,
      `expected a non-empty list of allowed values, got ${describeValue(value)}`,
      "invalid_type",
    );
    return undefined;
  }
  const options: (string | number)[] = [];
  value.forEach((option: unknown, index) => {
    const ok =
      field.type === "string"
        ? typeof option === "string"
        : typeof option === "number" && (field.type === "number" || Number.isInteger(option));
    if (ok) options.push(option as string | number);
    else
      issues.add([...path, index], `expected a ${field.type}, got ${describeValue(option)}`, "invalid_type");
  });
  return options.length === value.length ? options : undefined;
}

/** The approval spec in plan-file form: fields equal to their defaults are left out. */
export function approvalSpecFile(spec: ApprovalSpec, file: Record<string, unknown>): void {
  file.kind = spec.kind;
  if (spec.prompt !== null) file.prompt = spec.prompt;
  if (spec.description !== null) file.description = spec.description;
  if (spec.form !== null) {
    const properties: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(spec.form.properties)) properties[name] = { ...field };
    file.form = {
      properties,
      ...(spec.form.required.length > 0 ? { required: [...spec.form.required] } : {}),
    };
  }
  if (spec.timeoutMs !== null) file.timeout = formatDuration(spec.timeoutMs);
  if (spec.onTimeout !== "reject") file.onTimeout = spec.onTimeout;
}
