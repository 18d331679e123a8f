/**
 * Drafts: a plan the model proposed from a goal ("Draft plan from goal") is stored as a plan marked as a
 * draft. People edit it in the graph editor like any plan; it never runs until it is approved (the mark goes,
 * the plan stays) or discarded (the plan goes with the mark).
 */
export interface PlanDraftRecord {
  planSlug: string;
  /** The goal the plan was drafted from. */
  goal: string;
  /** The model that proposed it. */
  model: string;
  /** The plan the draft's tasks are added to on approval; null: the draft becomes a plan of its own. */
  into: string | null;
  /** Epoch ms. */
  createdAt: number;
}

/** Storage of the draft marks (through the Prisma client, off the hot path). Unknown plans: `NotFoundError`. */
export interface DraftStore {
  /** Marks a stored plan as a draft (replacing an earlier mark of it). */
  markDraft(record: PlanDraftRecord): Promise<void>;
  /** The plan's draft mark, or null when the plan is not a draft. */
  getDraft(planSlug: string): Promise<PlanDraftRecord | null>;
  /** Every draft, newest first. */
  listDrafts(): Promise<PlanDraftRecord[]>;
  /** Removes the mark: the plan becomes an ordinary plan. False when it was not a draft. */
  clearDraft(planSlug: string): Promise<boolean>;
  /**
   * Deletes a draft plan with everything of it (tasks, links, documents, notes, steering), in one
   * transaction. False, and nothing deleted, when the plan is not a draft: ordinary plans are never deleted.
   */
  discardDraft(planSlug: string): Promise<boolean>;
}
