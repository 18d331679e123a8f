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
  export: protectedProcedure
    .input(z.object({ slug, format: z.enum(["yaml", "json"]).default("yaml") }))
    .query(async ({ ctx, input }) => ({ text: await ctx.taskloom.exportPlan(input.slug, input.format) })),
});
