import type { LinkKind, TaskDefinition } from "./types.ts";

/**
 * The task field that lists each link kind's upstream tasks: a link `from → to` of kind `relates_to` is `from`
 * in `to`'s `relatesTo`. The plan file, the plan editor and the graph all name links this way.
 */
export const LINK_FIELDS = {
  requires: "requires",
  refers: "refers",
  duplicates: "duplicates",
  relates_to: "relatesTo",
} as const satisfies Record<LinkKind, keyof TaskDefinition>;

export type LinkField = (typeof LINK_FIELDS)[LinkKind];

export interface PlanLink {
  /** The upstream task (the one listed in the field). */
  from: string;
  /** The task whose field lists it. */
  to: string;
  kind: LinkKind;
}

/** Every link of a plan's tasks, task by task in plan order and, within a task, in `LINK_FIELDS` order. */
export function planLinks(
  tasks: readonly Pick<TaskDefinition, "key" | "requires" | "refers" | "duplicates" | "relatesTo">[],
): PlanLink[] {
  const links: PlanLink[] = [];
  for (const task of tasks) {
    for (const [kind, field] of Object.entries(LINK_FIELDS) as [LinkKind, LinkField][]) {
      for (const from of task[field] ?? []) links.push({ from, to: task.key, kind });
    }
  }
  return links;
}
