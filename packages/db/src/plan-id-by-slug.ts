import { NotFoundError } from "@taskloom/core";
import type { TaskloomPrisma } from "./queries/prisma-sqlite.ts";

/**
 * The id of the plan with this slug, for the Prisma-backed stores (context, drafts) that key their rows by plan.
 * @throws NotFoundError when no plan has the slug.
 */
export async function planIdBySlug(prisma: TaskloomPrisma, planSlug: string): Promise<string> {
  const plan = await prisma.plan.findUnique({ where: { slug: planSlug }, select: { id: true } });
  if (!plan) throw new NotFoundError("plan", planSlug);
  return plan.id;
}
