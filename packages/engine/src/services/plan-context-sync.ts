import type { PlanDefinition } from "@taskloom/core";

/** What `ContextStore.syncPlanContext` is given after a plan import. */
export interface PlanContextSync {
  documents: NonNullable<PlanDefinition["documents"]>;
  notes: Record<string, string>;
  removed: { documents: string[]; notes: string[] };
}

/**
 * The context rows an import of `after` leaves, given the definition it replaces (`before`, null for a new
 * plan). The imported file is the whole plan, so what it defines is exactly what the plan has afterwards:
 * - documents: exactly the file's (a document the file no longer lists is deleted);
 * - notes: the file's are set, and those the previous definition had and the file no longer lists are
 *   deleted; a note that no definition ever had (written at run time) is kept;
 * - pins and excludes written in the file live in the task's spec, so the import replaces them;
 * - a person's overrides and approval (Context tab, `taskloom context`) are kept while their task exists,
 *   and deleted with it (by the import itself, in its transaction: not part of this).
 */
export function planContextSync(before: PlanDefinition | null, after: PlanDefinition): PlanContextSync {
  const documents = after.documents ?? [];
  const notes = after.notes ?? {};
  const keptDocuments = new Set(documents.map((doc) => doc.key));
  return {
    documents,
    notes,
    removed: {
      documents: (before?.documents ?? []).map((doc) => doc.key).filter((key) => !keptDocuments.has(key)),
      notes: Object.keys(before?.notes ?? {}).filter((key) => !Object.hasOwn(notes, key)),
    },
  };
}
