import {
  type Clock,
  ConflictError,
  type DraftStore,
  MAX_SLUG_LENGTH,
  NotFoundError,
  type PlanDefinition,
  type PlanDraftRecord,
} from "@taskloom/core";
import { mergeDraftInto } from "./draft-merge.ts";
import type { PlanDrafter } from "./plan-drafter.ts";

export interface DraftServiceOptions {
  drafter: PlanDrafter;
  drafts: DraftStore;
  clock: Clock;
  /** True when a plan with this slug is stored. */
  planExists: (slug: string) => Promise<boolean>;
  /** Imports a plan definition (`Taskloom.importPlan`: the plan and its documents and notes). */
  importPlan: (definition: PlanDefinition) => Promise<{ slug: string }>;
  /** A stored plan's definition, folder and version. */
  getPlan: (slug: string) => Promise<{ definition: PlanDefinition; baseDir: string | null; version: number }>;
  /**
   * Saves `definition` (a plan merged with its draft `draftSlug`) as an edit of that plan and deletes the
   * draft, in one transaction (`ImportPlanOptions.approvingDraft`): refused, nothing changed, when the plan
   * is no longer at `expectedVersion` (`StalePlanVersionError`) or the draft no longer one (`ConflictError`).
   * The plan's schedules are left as they are.
   */
  approveInto: (
    draftSlug: string,
    definition: PlanDefinition,
    baseDir: string | null,
    expectedVersion: number,
  ) => Promise<void>;
}

/** Most `-draft-N` suffixes tried for a free slug before giving up. */
const MAX_SLUG_TRIES = 50;

/**
 * "Draft plan from goal", stored: the model's proposal (validated by `PlanDrafter`) becomes a plan marked as a
 * draft, which the graph editor shows as such and edits with its ordinary tools. It never runs
 * (`Taskloom.startRun` refuses it) until a person approves it (it becomes an ordinary plan) or discards it
 * (it is deleted). Schedules a proposal may carry are dropped: a draft must not fire.
 */
export class DraftService {
  readonly #drafter: PlanDrafter;
  readonly #drafts: DraftStore;
  readonly #clock: Clock;
  readonly #planExists: DraftServiceOptions["planExists"];
  readonly #importPlan: DraftServiceOptions["importPlan"];
  readonly #getPlan: DraftServiceOptions["getPlan"];
  readonly #approveInto: DraftServiceOptions["approveInto"];

  constructor(options: DraftServiceOptions) {
    this.#drafter = options.drafter;
    this.#drafts = options.drafts;
    this.#clock = options.clock;
    this.#planExists = options.planExists;
    this.#importPlan = options.importPlan;
    this.#getPlan = options.getPlan;
    this.#approveInto = options.approveInto;
  }

  /**
   * Asks the model for a plan for `goal` and stores it as a draft, under the proposed slug or, when a plan
   * has it already, the first free `<slug>-draft`, `<slug>-draft-2`, … With `into` (default none), the draft
   * is of tasks to add to that plan on approval, stored as `<into>-draft…`.
   * @throws ProviderRequiredError with the dry-run provider; BadInputError when the proposal stays invalid;
   *   NotFoundError when `into` is not a plan.
   */
  async create(
    goal: string,
    options: { signal?: AbortSignal; into?: string } = {},
  ): Promise<PlanDraftRecord> {
    if (options.into !== undefined) await this.#getPlan(options.into);
    const proposal = await this.#drafter.draft(goal, options.signal ? { signal: options.signal } : {});
    const { schedules: _dropped, ...definition } = proposal.definition;
    const slug = await this.#freeSlug(options.into ?? definition.slug);
    await this.#importPlan({ ...definition, slug });
    const record: PlanDraftRecord = {
      planSlug: slug,
      goal,
      model: proposal.model,
      into: options.into ?? null,
      createdAt: this.#clock.now(),
    };
    await this.#drafts.markDraft(record);
    return record;
  }

  /** The plan's draft mark, or null for an ordinary plan. */
  get(planSlug: string): Promise<PlanDraftRecord | null> {
    return this.#drafts.getDraft(planSlug);
  }

  list(): Promise<PlanDraftRecord[]> {
    return this.#drafts.listDrafts();
  }

  /**
   * A draft of its own becomes an ordinary plan, as edited. A draft `into` a plan has its tasks (and
   * documents, notes, params) added to that plan as one edit that also deletes the draft: if it fails,
   * neither the plan nor the draft changed. Returns the plan approved into: the draft's own slug, or `into`.
   * @throws ConflictError when it is not a draft, or when the target has a task key of the draft (or a
   *   document, note or param of the same key with another value) or changed meanwhile.
   */
  async approve(planSlug: string): Promise<{ slug: string }> {
    const draft = await this.#drafts.getDraft(planSlug);
    if (!draft) throw notADraft(planSlug);
    if (draft.into === null) {
      if (!(await this.#drafts.clearDraft(planSlug))) throw notADraft(planSlug);
      return { slug: planSlug };
    }
    const [target, proposal] = await Promise.all([this.#getPlan(draft.into), this.#getPlan(planSlug)]);
    const merged = mergeDraftInto(target.definition, proposal.definition);
    await this.#approveInto(planSlug, merged, target.baseDir, target.version);
    return { slug: draft.into };
  }

  /** Deletes the draft plan. @throws ConflictError when it is not a draft (ordinary plans are kept). */
  async discard(planSlug: string): Promise<void> {
    if (!(await this.#drafts.discardDraft(planSlug))) throw notADraft(planSlug);
  }

  /** @throws ConflictError when the plan is a draft: it runs only once approved. */
  async assertRunnable(planSlug: string): Promise<void> {
    const draft = await this.#drafts.getDraft(planSlug).catch((error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    });
    if (draft) {
      throw new ConflictError(`plan \`${planSlug}\` is a draft from a goal: approve it before running it`);
    }
  }

  async #freeSlug(proposed: string): Promise<string> {
    if (!(await this.#planExists(proposed))) return proposed;
    // Room for the longest suffix within the slug limit.
    const base = proposed.slice(0, MAX_SLUG_LENGTH - `-draft-${MAX_SLUG_TRIES}`.length).replace(/-+$/, "");
    for (let n = 1; n <= MAX_SLUG_TRIES; n++) {
      const candidate = n === 1 ? `${base}-draft` : `${base}-draft-${n}`;
      if (!(await this.#planExists(candidate))) return candidate;
    }
    throw new ConflictError(`no free slug for the draft of \`${proposed}\`: discard or rename older drafts`);
  }
}

const notADraft = (planSlug: string) => new ConflictError(`plan \`${planSlug}\` is not a draft`);
