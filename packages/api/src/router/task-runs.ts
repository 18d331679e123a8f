import { MAX_REASON_LENGTH, TASK_ACTIONS } from "@taskloom/core";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";
import { taskKey } from "./inputs.ts";

const runId = z.string().min(1).max(128);
/** Why; trimmed, and required by core for the actions that need one. */
const reason = z.string().max(MAX_REASON_LENGTH).optional();
/** A resolved task's output, as big as a task's own output may be (1 MiB). */
const output = z
  .string()
  .max(1024 * 1024)
  .nullable()
  .optional();

/**
 * Operator actions on runs and their task runs. The caller is the audit's actor (`dashboard`, or `token` for
 * scripts); the rules of what is allowed when live in core, and a refusal is a CONFLICT (state) or a
 * BAD_REQUEST (input) with core's message.
 */
export const taskRunsRouter = createTRPCRouter({
  /** Resolve, skip, reset the attempts of, or cancel one task of a run. */
  act: protectedProcedure
    .input(z.object({ runId, taskKey, action: z.enum(TASK_ACTIONS), output, reason }))
    .mutation(async ({ ctx, input }) => {
      await ctx.taskloom.operator.applyTaskAction({ ...input, actor: ctx.actor });
      return { ok: true as const };
    }),
  /**
   * A new run of the plan's current version: from `fromTask` (that task and its downstream run, the rest is
   * reused), or without it from failure (what did not succeed runs again).
   */
  rerun: protectedProcedure
    .input(z.object({ runId, fromTask: taskKey.optional(), reason }))
    .mutation(async ({ ctx, input }) => {
      const result = await ctx.taskloom.operator.rerun(input.runId, {
        from: input.fromTask === undefined ? "failure" : { task: input.fromTask },
        actor: ctx.actor,
        reason: input.reason ?? null,
        trigger: ctx.actor === "token" ? "api" : "manual",
      });
      return { runId: result.runId, reused: result.reused, rerun: result.rerun };
    }),
  /** The run's operator actions, oldest first. */
  auditTrail: protectedProcedure
    .input(z.object({ runId }))
    .query(({ ctx, input }) => ctx.taskloom.queries.auditTrail(input.runId)),
});
