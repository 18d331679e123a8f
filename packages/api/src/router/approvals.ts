import { APPROVAL_DECISIONS, MAX_APPROVAL_COMMENT_LENGTH } from "@taskloom/core";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";
import { taskKey } from "./inputs.ts";

const runId = z.string().min(1).max(128);
/** Form values as typed: the store checks them against the task's form (a refusal is a 400 per field). */
const values = z.record(z.string().max(128), z.union([z.string().max(100_000), z.number(), z.boolean()]));

/**
 * Approval tasks: the inbox of waiting approvals and the decision. The caller is the decision's actor
 * (`dashboard`, or `token` for scripts). A decision on a task that is not a waiting approval is a CONFLICT;
 * values that break the form are a BAD_REQUEST with `data.formErrors` (one message per field).
 */
export const approvalsRouter = createTRPCRouter({
  /** Waiting approvals across runs (or of one run), oldest first, with their prompt, form and deadline. */
  list: protectedProcedure
    .input(z.object({ runId: runId.optional() }).optional())
    .query(({ ctx, input }) =>
      ctx.taskloom.approvals.list(input?.runId === undefined ? {} : { runId: input.runId }),
    ),
  /** Approves (with the form's values, which become the task's output) or rejects a waiting approval. */
  decide: protectedProcedure
    .input(
      z.object({
        runId,
        taskKey,
        decision: z.enum(APPROVAL_DECISIONS),
        comment: z.string().max(MAX_APPROVAL_COMMENT_LENGTH).nullable().optional(),
        values: values.optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.taskloom.approvals.decide({
        runId: input.runId,
        taskKey: input.taskKey,
        decision: input.decision,
        actor: ctx.actor,
        comment: input.comment ?? null,
        ...(input.values ? { values: input.values } : {}),
      }),
    ),
});
