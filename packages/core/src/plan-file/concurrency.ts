import { z } from "zod";
import { renderTemplate, type TemplateContext, templateReferences } from "../template.ts";
import type { ConcurrencyPolicy, TaskDefinition } from "../types.ts";
import { fromZod, nonEmptyStringCheck, own, readField } from "./checks.ts";
import { type DocPath, describeValue, type IssueCollector } from "./issues.ts";

/** The task fields that set a concurrency key. */
export const CONCURRENCY_FIELDS = ["concurrencyKey", "concurrencyLimit", "exclusive"] as const;

const limitCheck = fromZod(z.int("must be a whole number").min(1, "must be at least 1"));

/** The key an `exclusive: true` task gets: one attempt at a time of this task, across all runs of the plan. */
export function exclusiveKey(taskKey: string): string {
  return `{{plan.slug}}/${taskKey}`;
}

/**
 * Reads `concurrencyKey`, `concurrencyLimit` and `exclusive` of one task. Undefined when none is set (or when
 * they are invalid, after reporting why), so plans without them keep their definition hash.
 * - `concurrencyKey: "<template>"` with `concurrencyLimit: N` (an integer ≥ 1; default 1);
 * - `exclusive: true`: limit 1, keyed by the plan and task; it cannot be combined with the other two.
 */
export function readConcurrency(
  value: Record<string, unknown>,
  taskKey: string,
  path: DocPath,
  issues: IssueCollector,
): ConcurrencyPolicy | undefined {
  const before = issues.count;
  const key = readField(value, "concurrencyKey", path, nonEmptyStringCheck, issues);
  const limit = readField(value, "concurrencyLimit", path, limitCheck, issues);
  const rawExclusive = own(value, "exclusive");
  if (rawExclusive !== undefined && typeof rawExclusive !== "boolean") {
    issues.add(
      [...path, "exclusive"],
      `expected true or false, got ${describeValue(rawExclusive)}`,
      "invalid_type",
    );
  }
  const exclusive = rawExclusive === true;
  if (
    exclusive &&
    (own(value, "concurrencyKey") !== undefined || own(value, "concurrencyLimit") !== undefined)
  ) {
    issues.add(
      [...path, "exclusive"],
      "`exclusive: true` means limit 1 keyed by this task: remove `concurrencyKey`/`concurrencyLimit`, or drop `exclusive`",
      "invalid_value",
    );
  }
  if (
    own(value, "concurrencyLimit") !== undefined &&
    own(value, "concurrencyKey") === undefined &&
    !exclusive
  ) {
    issues.add(
      [...path, "concurrencyLimit"],
      "`concurrencyLimit` needs a `concurrencyKey` (the attempts it counts are those with the same key)",
      "required",
    );
  }
  if (key !== undefined) {
    for (const reference of templateReferences(key)) {
      if (
        reference.type === "task-output" ||
        reference.type === "task-output-field" ||
        reference.type === "task-outputs"
      ) {
        issues.add(
          [...path, "concurrencyKey"],
          `{{${reference.raw}}}: a concurrency key is rendered when the run starts, before any upstream has an output; use {{params.NAME}}, {{run.id}} or {{plan.slug}}`,
          "template",
        );
      }
    }
  }
  if (issues.count > before) return undefined;
  if (exclusive) return { key: exclusiveKey(taskKey), limit: 1, exclusive: true };
  if (key === undefined) return undefined;
  return { key, limit: limit ?? 1 };
}

/** The plan-file fields of a task's concurrency policy (what `readConcurrency` reads back). */
export function concurrencyFile(concurrency: ConcurrencyPolicy | undefined): Record<string, unknown> {
  if (concurrency === undefined) return {};
  if (concurrency.exclusive) return { exclusive: true };
  return concurrency.limit === 1
    ? { concurrencyKey: concurrency.key }
    : { concurrencyKey: concurrency.key, concurrencyLimit: concurrency.limit };
}

/**
 * The concurrency key and limit of one task run, rendered with the run's params, id and plan slug when the
 * task run is created (what the claim compares). Null for a task without a key.
 */
export function renderConcurrency(
  task: Pick<TaskDefinition, "concurrency">,
  context: Omit<TemplateContext, "tasks">,
): { key: string; limit: number } | null {
  if (task.concurrency === undefined) return null;
  return {
    key: renderTemplate(task.concurrency.key, { ...context, tasks: {} }),
    limit: task.concurrency.limit,
  };
}
