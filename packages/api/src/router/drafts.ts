import { MAX_GOAL_LENGTH } from "@taskloom/engine";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";
import { planSlug as slug } from "./inputs.ts";

/**
 * Stored drafts from a goal: the model's proposal becomes a plan marked as a draft, edited in the graph
 * editor with the ordinary plan procedures, then approved or discarded. A draft's run is refused (409).
 */
export const draftsRouter = createTRPCRouter({
  /**
   * Asks the model and stores its proposal as a draft plan (412 with the dry-run provider); with `into`, a
   * draft of tasks to add to that plan on approval.
   */
  create: protectedProcedure
    .input(
      z.object({
        goal: z.string().trim().min(1, "say what the plan should achieve").max(MAX_GOAL_LENGTH),
        into: slug.optional(),
      }),
    )
    .mutation(({ ctx, input, signal }) =>
      ctx.taskloom.drafts.create(input.goal, {
        ...(signal ? { signal } : {}),
        ...(input.into !== undefined ? { into: input.into } : {}),
      }),
    ),
  /** The plan's draft mark, null for an ordinary plan. */
  get: protectedProcedure
    .input(z.object({ slug }))
    .query(({ ctx, input }) => ctx.taskloom.drafts.get(input.slug)),
  /** Every draft, newest first. */
  list: protectedProcedure.query(({ ctx }) => ctx.taskloom.drafts.list()),
  /**
   * The draft becomes an ordinary plan as edited, or its tasks are added to the plan it was made into; returns
   * that plan's slug (409 when it is not a draft, or its tasks clash with the plan's).
   */
  approve: protectedProcedure
    .input(z.object({ slug }))
    .mutation(({ ctx, input }) => ctx.taskloom.drafts.approve(input.slug)),
  /** Deletes the draft plan (409 when it is not a draft: ordinary plans are never deleted here). */
  discard: protectedProcedure.input(z.object({ slug })).mutation(async ({ ctx, input }) => {
    await ctx.taskloom.drafts.discard(input.slug);
    return { slug: input.slug };
  }),
});
