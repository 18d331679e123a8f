import type { ParamValue, UpstreamOutput } from "./types.ts";

/**
 * `{{ ... }}` templating for task fields. The reference forms are:
 * `{{params.NAME}}`, `{{tasks.KEY.output}}` (an upstream the task `requires`), `{{tasks.KEY.outputs}}` (a swept
 * upstream's point outputs as a JSON array), `{{run.id}}`, `{{plan.slug}}`.
 * Values are inserted as text, unquoted: shell steps that handle untrusted text should read the
 * `TASKLOOM_PARAM_*` variables or the `TASKLOOM_INPUTS` file instead.
 */

const TEMPLATE_PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

export type TemplateReference =
  | { type: "param"; name: string; raw: string }
  | { type: "task-output"; key: string; raw: string }
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

/** Replaces every reference; an unresolvable one throws (plans are validated first, so this is a bug guard). */
export function renderTemplate(template: string, context: TemplateContext): string {
  return template.replace(TEMPLATE_PATTERN, (_whole, raw: string) => resolve(parseReference(raw), context));
}
