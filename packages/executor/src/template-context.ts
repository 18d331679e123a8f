import { renderTemplate, type TemplateContext } from "@taskloom/core";
import { errorMessage } from "./attempt-result.ts";
import type { ExecutionRequest } from "./execution.ts";

export function templateContextOf(req: ExecutionRequest): TemplateContext {
  return { params: req.params, tasks: req.upstream, run: { id: req.runId }, plan: { slug: req.planSlug } };
}

/** Thrown when a templated field does not render; the executor turns it into a failed attempt. */
export class TemplateRenderError extends Error {
  constructor(field: string, cause: unknown) {
    super(`cannot render ${field}: ${errorMessage(cause)}`, { cause });
    this.name = "TemplateRenderError";
  }
}

/** Renders one templated field; `field` names it in the error (`url`, `env.TOKEN`, `run[2]`). */
export function renderField(template: string, context: TemplateContext, field: string): string {
  try {
    return renderTemplate(template, context);
  } catch (error) {
    throw new TemplateRenderError(field, error);
  }
}

/** Renders every value of a string map, keeping the keys. */
export function renderValues(
  values: Record<string, string>,
  context: TemplateContext,
  field: string,
): Record<string, string> {
  const rendered: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    rendered[key] = renderField(value, context, `${field}.${key}`);
  }
  return rendered;
}
