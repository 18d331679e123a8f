import { MAX_GOAL_LENGTH } from "@taskloom/engine";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";
import { baseVersion, planSlug as slug } from "./inputs.ts";

export const plansRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => ctx.taskloom.queries.listPlans()),
  get: protectedProcedure.input(z.object({ slug })).query(({ ctx, input }) => ctx.editor.get(input.slug)),
  create: protectedProcedure
    .input(z.object({ slug, name: z.string().max(200).optional(), goal: z.string().max(10_000).optional() }))
    .mutation(({ ctx, input }) => ctx.editor.create(input)),
  update: protectedProcedure
    .input(
      z.object({
        slug,
        name: z.string().max(200).optional(),
        goal: z.string().max(10_000).optional(),
        index: z.string().max(1_000_000).optional(),
        baseVersion,
      }),
    )
    .mutation(({ ctx, input }) => ctx.editor.update(input)),
  import: protectedProcedure
    .input(z.object({ text: z.string().min(1).max(5_000_000) }))
    .mutation(async ({ ctx, input }) => {
      const imported = await ctx.taskloom.importPlanSource(input.text);
      return { slug: imported.slug, version: imported.version, changed: imported.changed };
    }),
  /** Whether drafting is possible here (false with the dry-run provider: the dialog says what to set). */
  draftAvailability: protectedProcedure.query(({ ctx }) => ({ available: ctx.taskloom.drafter.available })),
  /** The model's proposal for a goal, validated; nothing is stored until the person imports it. */
  draftFromGoal: protectedProcedure
    .input(
      z.object({ goal: z.string().trim().min(1, "say what the plan should achieve").max(MAX_GOAL_LENGTH) }),
    )
    .mutation(async ({ ctx, input, signal }) => {
      const draft = await ctx.taskloom.drafter.draft(input.goal, signal ? { signal } : {});
      return { slug: draft.definition.slug, yaml: draft.yaml, requests: draft.requests, model: draft.model };
    }),
  export: protectedProcedure
    .input(z.object({ slug, format: z.enum(["yaml", "json"]).default("yaml") }))
    .query(async ({ ctx, input }) => ({ text: await ctx.taskloom.exportPlan(input.slug, input.format) })),
});
