import { type ParamValue, renderConcurrency, type TaskDefinition } from "@taskloom/core";

/**
 * The `concurrency_key`/`concurrency_limit` columns of a task run that takes `definition` (an operator retry
 * with a changed definition), rendered as at run creation: the claim compares them.
 */
export function renderedConcurrency(
  definition: TaskDefinition,
  params: Record<string, ParamValue>,
  runId: string,
  planSlug: string,
): { concurrencyKey: string | null; concurrencyLimit: number | null } {
  const rendered = renderConcurrency(definition, { params, run: { id: runId }, plan: { slug: planSlug } });
  return { concurrencyKey: rendered?.key ?? null, concurrencyLimit: rendered?.limit ?? null };
}
