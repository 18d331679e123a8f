import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";
import { planSlug } from "./inputs.ts";

/** A schedule's id, or `PLAN/NAME`. */
const ref = z.string().min(1).max(200);
/**
 * A schedule in plan-file form (`{ cron | every | at, timezone, params, missed, overlap, enabled, name }`):
 * passed whole to the engine, which validates it with the plan file's rules and answers with `planIssues`.
 */
const scheduleDocument = z.record(z.string().max(64), z.unknown());

export const schedulesRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => ctx.taskloom.schedules.list()),
  byPlan: protectedProcedure
    .input(z.object({ planSlug }))
    .query(({ ctx, input }) => ctx.taskloom.schedules.list({ planSlug: input.planSlug })),
  create: protectedProcedure
    .input(z.object({ planSlug, schedule: scheduleDocument }))
    .mutation(({ ctx, input }) => ctx.taskloom.schedules.create(input.planSlug, input.schedule)),
  update: protectedProcedure
    .input(z.object({ ref, schedule: scheduleDocument, replace: z.boolean().optional() }))
    .mutation(({ ctx, input }) =>
      ctx.taskloom.schedules.update(input.ref, input.schedule, { replace: input.replace ?? false }),
    ),
  /** What a schedule being typed would do (issues, rule in words, next fire times); stores nothing. */
  preview: protectedProcedure
    .input(z.object({ planSlug, schedule: scheduleDocument, ref: ref.optional() }))
    .query(({ ctx, input }) => ctx.taskloom.schedules.preview(input.planSlug, input.schedule, input.ref)),
  pause: protectedProcedure
    .input(z.object({ ref }))
    .mutation(({ ctx, input }) => ctx.taskloom.schedules.pause(input.ref)),
  resume: protectedProcedure
    .input(z.object({ ref }))
    .mutation(({ ctx, input }) => ctx.taskloom.schedules.resume(input.ref)),
  remove: protectedProcedure
    .input(z.object({ ref }))
    .mutation(({ ctx, input }) => ctx.taskloom.schedules.remove(input.ref)),
  trigger: protectedProcedure.input(z.object({ ref })).mutation(async ({ ctx, input }) => {
    const run = await ctx.taskloom.schedules.trigger(input.ref);
    return { runId: run.runId };
  }),
});
