import { MAX_REASON_LENGTH, RUN_STATUSES, RUN_TRIGGERS } from "@taskloom/core";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";
import { planSlug, runCursor, taskKey, timestamp } from "./inputs.ts";

const runId = z.string().min(1).max(128);

export const runsRouter = createTRPCRouter({
  start: protectedProcedure
    .input(
      z.object({
        planSlug,
        params: z.record(z.string().max(256), z.string().max(100_000)).optional(),
      }),
    )
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
  /** Retries a failed task in its run, recorded in the audit trail with the caller and the optional reason. */
  retryTask: protectedProcedure
    .input(
      z.object({
        runId,
        taskKey,
        definition: z.enum(["current", "frozen"]).default("current"),
        reason: z.string().max(MAX_REASON_LENGTH).optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.taskloom.operator.retry(input.runId, input.taskKey, input.definition, {
        actor: ctx.actor,
        reason: input.reason ?? null,
      }),
    ),
  /** A plan's last runs against its tasks: the grid view and duration trends. */
  grid: protectedProcedure
    .input(z.object({ planSlug, limit: z.number().int().min(1).max(100).optional() }))
    .query(({ ctx, input }) => ctx.taskloom.queries.runGrid(input.planSlug, input.limit)),
  /** What a retry would run against what the task ran: the retry control's "plan changed since this run". */
  definitionChange: protectedProcedure
    .input(z.object({ runId, taskKey }))
    .query(({ ctx, input }) => ctx.taskloom.queries.definitionChange(input.runId, input.taskKey)),
  get: protectedProcedure
    .input(z.object({ runId }))
    .query(({ ctx, input }) => ctx.taskloom.getRun(input.runId)),
  list: protectedProcedure
    .input(
      z.object({
        planSlug: planSlug.optional(),
        status: z.enum(RUN_STATUSES).optional(),
        trigger: z.enum(RUN_TRIGGERS).optional(),
        from: timestamp.optional(),
        to: timestamp.optional(),
        search: z.string().min(1).max(200).optional(),
        cursor: runCursor.optional(),
        limit: z.number().int().min(1).max(200).optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.taskloom.queries.searchRuns(input)),
});
