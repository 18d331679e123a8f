import type { ParamValue, UpstreamOutput } from "./types.ts";

/**
 * `{{ ... }}` templating for task fields. The reference forms are:
 * `{{params.NAME}}`, `{{tasks.KEY.output}}` (an upstream the task `requires`), `{{tasks.KEY.output.FIELD…}}`
 * (a field of that upstream's JSON output: an approval's form value, a function's returned object),
 * `{{tasks.KEY.outputs}}` (a swept upstream's point outputs as a JSON array), `{{run.id}}`, `{{plan.slug}}`.
 * Values are inserted as text, unquoted: shell steps that handle untrusted text should read the
 * `TASKLOOM_PARAM_*` variables or the `TASKLOOM_INPUTS` file instead.
 */

const TEMPLATE_PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

export type TemplateReference =
  | { type: "param"; name: string; raw: string }
  | { type: "task-output"; key: string; raw: string }
  /** `{{tasks.KEY.output.a.0.b}}`: one value inside an upstream's JSON output (a number indexes a list). */
  | { type: "task-output-field"; key: string; path: string[]; raw: string }
  /** `{{tasks.KEY.outputs}}`: a swept upstream's point outputs, as a JSON array. */
  | { type: "task-outputs"; key: string; raw: string }
  | { type: "run-id"; raw: string }
  | { type: "plan-slug"; raw: string }
  | { type: "unknown"; raw: string };

export interface TemplateContext {
  params: Record<string, ParamValue>;
  tasks: Record<string, UpstreamOutput>;
  run: { id: string };
  plan: { slug: string };
}

export function parseReference(raw: string): TemplateReference {
  const parts = raw.split(".");
  if (parts[0] === "params" && parts.length === 2 && parts[1]) return { type: "param", name: parts[1], raw };
  if (parts[0] === "tasks" && parts.length === 3 && parts[1] && parts[2] === "output") {
    return { type: "task-output", key: parts[1], raw };
  }
  if (parts[0] === "tasks" && parts.length > 3 && parts[1] && parts[2] === "output" && !parts.includes("")) {
    return { type: "task-output-field", key: parts[1], path: parts.slice(3), raw };
  }
  if (parts[0] === "tasks" && parts.length === 3 && parts[1] && parts[2] === "outputs") {
    return { type: "task-outputs", key: parts[1], raw };
  }
  if (raw === "run.id") return { type: "run-id", raw };
  if (raw === "plan.slug") return { type: "plan-slug", raw };
  return { type: "unknown", raw };
}

/** Every `{{ }}` reference in `template`, in order of appearance. */
export function templateReferences(template: string): TemplateReference[] {
  return [...template.matchAll(TEMPLATE_PATTERN)].map((match) => parseReference(match[1] ?? ""));
}

function resolve(reference: TemplateReference, context: TemplateContext): string {
  switch (reference.type) {
    case "param": {
      const value = context.params[reference.name];
      if (value === undefined) throw new Error(`unknown template reference {{${reference.raw}}}`);
      return String(value);
    }
    case "task-output": {
      const upstream = context.tasks[reference.key];
      if (upstream === undefined) throw new Error(`unknown template reference {{${reference.raw}}}`);
      return upstream.output ?? "";
    }
    case "task-output-field": {
      const upstream = context.tasks[reference.key];
      if (upstream === undefined) throw new Error(`unknown template reference {{${reference.raw}}}`);
      return outputField(reference, upstream.json);
    }
    case "task-outputs": {
      const upstream = context.tasks[reference.key];
      if (upstream === undefined) throw new Error(`unknown template reference {{${reference.raw}}}`);
      if (!Array.isArray(upstream.json))
        throw new Error(`{{${reference.raw}}}: \`${reference.key}\` is not swept`);
      return JSON.stringify(upstream.json);
    }
    case "run-id":
      return context.run.id;
    case "plan-slug":
      return context.plan.slug;
    case "unknown":
      throw new Error(`unknown template reference {{${reference.raw}}}`);
  }
}

/**
 * The value at `reference.path` in an upstream's parsed output: a string as it is, anything else as JSON. The
 * output is data, so a missing field is an error of the attempt (the executor fails it with this message), not
 * of the plan.
 */
function outputField(reference: { key: string; path: string[]; raw: string }, output: unknown): string {
  let value = output;
  for (const [depth, name] of reference.path.entries()) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, name)) {
      const where = depth === 0 ? "" : ` at \`${reference.path.slice(0, depth).join(".")}\``;
      throw new Error(
        `{{${reference.raw}}}: the output of \`${reference.key}\` has no \`${name}\`${where} (it is ${describeOutput(value)})`,
      );
    }
    value = (value as Record<string, unknown>)[name];
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

function describeOutput(value: unknown): string {
  if (value === null) return "not JSON, or null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object")
    return `an object with ${
      Object.keys(value)
        .map((key) => `\`${key}\``)
        .join(", ") || "no fields"
    }`;
  return `the ${typeof value} ${JSON.stringify(value)}`;
}

/** Replaces every reference; an unresolvable one throws (plans are validated first, so this is a bug guard). */
export function renderTemplate(template: string, context: TemplateContext): string {
  return template.replace(TEMPLATE_PATTERN, (_whole, raw: string) => resolve(parseReference(raw), context));
}
