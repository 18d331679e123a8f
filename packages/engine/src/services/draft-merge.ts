import { ConflictError, type PlanDefinition, parsePlanObject, planToDocument } from "@taskloom/core";

type Mapping = Record<string, unknown>;

const mappingOf = (value: unknown): Mapping =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Mapping) : {};

/**
 * `field` of both plan-file documents together: the target's entries, then the draft's. A key both have
 * with different values is a conflict (named by `what`), so nothing of the target is overwritten.
 */
function union(
  target: Mapping,
  draft: Mapping,
  field: string,
  what: string,
  into: string,
): Mapping | undefined {
  const mine = mappingOf(target[field]);
  const theirs = mappingOf(draft[field]);
  const clashes = Object.keys(theirs).filter(
    (key) => Object.hasOwn(mine, key) && JSON.stringify(mine[key]) !== JSON.stringify(theirs[key]),
  );
  if (clashes.length > 0) {
    const list = clashes.map((key) => `\`${key}\``).join(", ");
    throw new ConflictError(
      `plan \`${into}\` already has the ${what} ${list}: rename them in the draft first`,
    );
  }
  const merged = { ...theirs, ...mine };
  return Object.keys(merged).length > 0 ? merged : undefined;
}

/**
 * The target plan with a draft's tasks added (approving a draft made "into" a plan): the target's name,
 * goal, INDEX and settings stay; the draft's tasks, documents, notes and params are added. A task key the
 * target has is a conflict, whatever the task (nothing of the target is replaced); so are documents, notes
 * and params of the same key with different values. The result is validated like a plan file.
 * @throws ConflictError naming the clashing keys; PlanValidationError when the merge does not validate.
 */
export function mergeDraftInto(target: PlanDefinition, draft: PlanDefinition): PlanDefinition {
  const into = target.slug;
  const mine = planToDocument(target);
  const theirs = planToDocument(draft);
  const taken = target.tasks.map((task) => task.key);
  const clashes = draft.tasks.map((task) => task.key).filter((key) => taken.includes(key));
  if (clashes.length > 0) {
    const list = clashes.map((key) => `\`${key}\``).join(", ");
    throw new ConflictError(`plan \`${into}\` already has the tasks ${list}: rename them in the draft first`);
  }
  const merged: Mapping = { ...mine, tasks: { ...mappingOf(mine.tasks), ...mappingOf(theirs.tasks) } };
  for (const [field, what] of [
    ["documents", "documents"],
    ["notes", "notes"],
    ["params", "params"],
  ] as const) {
    const value = union(mine, theirs, field, what, into);
    if (value === undefined) delete merged[field];
    else merged[field] = value;
  }
  return parsePlanObject(merged);
}
