import { z } from "zod";
import { type ContextPolicy, parseItemRef, resolveContextPolicy, SUMMARIZE_MODES } from "../context-types.ts";
import { type Check, fromZod } from "./checks.ts";
import { type DocPath, describeValue, type IssueCollector } from "./issues.ts";

/**
 * Plan-file fields of the context engine: a task's `context:` policy and its `pin`/`exclude` item refs.
 * Refs are checked twice: their shape here, and what they name (a task, a document, a note) once the whole
 * plan is read (`checkItemRefs`).
 */

const contextSchema = z
  .strictObject({
    budget: z.int().positive().nullable(),
    k: z.int().min(0),
    summarize: z.enum(SUMMARIZE_MODES),
    include: z.strictObject({ siblings: z.boolean(), notes: z.boolean(), retrieval: z.boolean() }).partial(),
  })
  .partial();

/** `context: { budget, k, summarize, include: { siblings, notes, retrieval } }`, every default applied. */
export const contextPolicyCheck: Check<ContextPolicy> = (value, path, issues) => {
  const parsed = fromZod(contextSchema)(value, path, issues);
  if (parsed === undefined) return undefined;
  return resolveContextPolicy({
    ...(parsed.budget !== undefined ? { budget: parsed.budget } : {}),
    ...(parsed.k !== undefined ? { k: parsed.k } : {}),
    ...(parsed.summarize !== undefined ? { summarize: parsed.summarize } : {}),
    include: Object.fromEntries(Object.entries(parsed.include ?? {}).filter(([, v]) => v !== undefined)),
  });
};

/** A list of item refs (`index`, `task:<key>`, `doc:<key>`, `note:<key>`), each well formed, no repeats. */
export const itemRefListCheck: Check<string[]> = (value, path, issues) => {
  if (!Array.isArray(value)) {
    issues.add(path, `expected a list of item refs, got ${describeValue(value)}`, "invalid_type");
    return undefined;
  }
  const before = issues.count;
  const refs: string[] = [];
  value.forEach((item: unknown, index) => {
    if (typeof item !== "string") {
      issues.add(
        [...path, index],
        `expected an item ref such as doc:spec, got ${describeValue(item)}`,
        "invalid_type",
      );
      return;
    }
    try {
      parseItemRef(item);
    } catch (error) {
      issues.add([...path, index], error instanceof Error ? error.message : String(error), "invalid_value");
      return;
    }
    if (refs.includes(item.trim()))
      issues.add([...path, index], `duplicate ref \`${item}\``, "duplicate_link");
    refs.push(item.trim());
  });
  return issues.count === before ? refs : undefined;
};

/** What the plan declares, for `checkItemRefs`. */
export interface DeclaredItems {
  tasks: ReadonlySet<string>;
  documents: ReadonlySet<string>;
  notes: ReadonlySet<string>;
}

/**
 * Reports refs that name nothing in the plan: `task:` an unknown task (or the task itself), `doc:` an
 * undeclared document. `note:` refs may name notes a person adds later, so they are not checked.
 */
export function checkItemRefs(
  refs: readonly string[],
  path: DocPath,
  self: string,
  declared: DeclaredItems,
  issues: IssueCollector,
): void {
  refs.forEach((text, index) => {
    const ref = parseItemRef(text);
    if (ref.kind === "task" && ref.key === self) {
      issues.add(
        [...path, index],
        `a task cannot put its own output in its context (\`${text}\`)`,
        "self_reference",
      );
    } else if (ref.kind === "task" && !declared.tasks.has(ref.key)) {
      issues.add([...path, index], `unknown task \`${ref.key}\` in \`${text}\``, "unknown_task");
    } else if (ref.kind === "doc" && !declared.documents.has(ref.key)) {
      issues.add(
        [...path, index],
        `unknown document \`${ref.key}\` in \`${text}\` (declare it under documents)`,
        "invalid_value",
      );
    }
  });
}
