import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";
import { planSlug, timestamp } from "./inputs.ts";

const queueName = z.string().trim().min(1).max(200);
const runId = z.string().min(1).max(128);
/** Queued task runs to act on: every filter given must match; the engine refuses an empty selection. */
const selection = z
  .object({
    queue: queueName.optional(),
    planSlug: planSlug.optional(),
    runId: runId.optional(),
    taskRunIds: z.array(z.number().int().min(1).max(2_147_483_647)).min(1).max(10_000).optional(),
  })
  .strict();
/** When rescheduled task runs become claimable: a delay from now, a time, or at once (`null`). */
const rescheduleTo = z.union([
  z
    .object({
      delayMs: z
        .number()
        .int()
        .min(0)
        .max(365 * 24 * 3_600_000),
    })
    .strict(),
  z.object({ at: timestamp }).strict(),
  z.null(),
]);

export const queuesRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => ctx.taskloom.queues.list()),
  peek: protectedProcedure
    .input(z.object({ queue: queueName, limit: z.number().int().min(1).max(500).optional() }))
    .query(({ ctx, input }) => ctx.taskloom.queues.peek(input.queue, input.limit)),
  move: protectedProcedure
    .input(z.object({ selection, toQueue: queueName }))
    .mutation(async ({ ctx, input }) => ({
      moved: await ctx.taskloom.queues.move(input.selection, input.toQueue),
    })),
  reschedule: protectedProcedure
    .input(z.object({ selection, to: rescheduleTo }))
    .mutation(async ({ ctx, input }) => ({
      rescheduled: await ctx.taskloom.queues.reschedule(input.selection, input.to),
    })),
  cancel: protectedProcedure
    .input(z.object({ selection }))
    .mutation(async ({ ctx, input }) => ({ cancelled: await ctx.taskloom.queues.cancel(input.selection) })),
  pause: protectedProcedure
    .input(z.object({ queue: queueName }))
    .mutation(({ ctx, input }) => ctx.taskloom.queues.pause(input.queue)),
  resume: protectedProcedure
    .input(z.object({ queue: queueName }))
    .mutation(({ ctx, input }) => ctx.taskloom.queues.resume(input.queue)),
});
