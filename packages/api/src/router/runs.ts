import { RUN_STATUSES, RUN_TRIGGERS } from "@taskloom/core";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";

const runId = z.string().min(1);

export const runsRouter = createTRPCRouter({
  start: protectedProcedure
    .input(z.object({ planSlug: z.string().min(1), params: z.record(z.string(), z.string()).optional() }))
    .mutation(async ({ ctx, input }) => {
      const created = await ctx.taskloom.startRun(input.planSlug, {
        trigger: "manual",
        ...(input.params ? { params: input.params } : {}),
      });
      return { runId: created.runId };
    }),
  cancel: protectedProcedure
    .input(z.object({ runId }))
    .mutation(async ({ ctx, input }) => ({ status: await ctx.taskloom.cancelRun(input.runId) })),
  retryTask: protectedProcedure
    .input(z.object({ runId, taskKey: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.taskloom.retryTask(input.runId, input.taskKey)),
  get: protectedProcedure
    .input(z.object({ runId }))
    .query(({ ctx, input }) => ctx.taskloom.queries.getRun(input.runId)),
  list: protectedProcedure
    .input(
      z.object({
        planSlug: z.string().min(1).optional(),
        status: z.enum(RUN_STATUSES).optional(),
        trigger: z.enum(RUN_TRIGGERS).optional(),
        from: z.number().int().nonnegative().optional(),
        to: z.number().int().nonnegative().optional(),
        search: z.string().min(1).max(200).optional(),
        cursor: z.string().optional(),
        limit: z.number().int().min(1).max(200).optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.taskloom.queries.searchRuns(input)),
});
