import type { DraftStore, PlanDraftRecord } from "@taskloom/core";
import { planIdBySlug } from "../plan-id-by-slug.ts";
import type { TaskloomPrisma } from "../queries/prisma-sqlite.ts";

type DraftRow = {
  goal: string;
  model: string;
  intoSlug: string | null;
  createdAt: Date;
  plan: { slug: string };
};

const record = (row: DraftRow): PlanDraftRecord => ({
  planSlug: row.plan.slug,
  goal: row.goal,
  model: row.model,
  into: row.intoSlug,
  createdAt: row.createdAt.getTime(),
});

const WITH_SLUG = { plan: { select: { slug: true } } } as const;

/** `DraftStore` through the Prisma client (portable across providers). */
export class PrismaDraftStore implements DraftStore {
  readonly #prisma: () => TaskloomPrisma;

  constructor(prisma: () => TaskloomPrisma) {
    this.#prisma = prisma;
  }

  #planId(planSlug: string): Promise<string> {
    return planIdBySlug(this.#prisma(), planSlug);
  }

  async markDraft(input: PlanDraftRecord): Promise<void> {
    const planId = await this.#planId(input.planSlug);
    const fields = {
      goal: input.goal,
      model: input.model,
      intoSlug: input.into,
      createdAt: new Date(input.createdAt),
    };
    await this.#prisma().planDraft.upsert({
      where: { planId },
      create: { planId, ...fields },
      update: fields,
    });
  }

  async getDraft(planSlug: string): Promise<PlanDraftRecord | null> {
    const planId = await this.#planId(planSlug);
    const row = await this.#prisma().planDraft.findUnique({ where: { planId }, include: WITH_SLUG });
    return row ? record(row) : null;
  }

  async listDrafts(): Promise<PlanDraftRecord[]> {
    const rows = await this.#prisma().planDraft.findMany({
      include: WITH_SLUG,
      orderBy: [{ createdAt: "desc" }, { planId: "asc" }],
    });
    return rows.map(record);
  }

  async clearDraft(planSlug: string): Promise<boolean> {
    const planId = await this.#planId(planSlug);
    const { count } = await this.#prisma().planDraft.deleteMany({ where: { planId } });
    return count > 0;
  }

  async discardDraft(planSlug: string): Promise<boolean> {
    const planId = await this.#planId(planSlug);
    // Conditional on the mark, in one statement: a plan approved meanwhile is never deleted. The plan's rows
    // (tasks, links, documents, …) go by the foreign keys' ON DELETE CASCADE.
    const { count } = await this.#prisma().plan.deleteMany({ where: { id: planId, draft: { isNot: null } } });
    return count > 0;
  }
}
