import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";
import { taskKey } from "./inputs.ts";

export const logsRouter = createTRPCRouter({
  /** A page of a task's log: after `afterSeq` (follow), before `beforeSeq` (scroll back), or the tail. */
  read: protectedProcedure
    .input(
      z.object({
        runId: z.string().min(1).max(128),
        taskKey,
        afterSeq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
        beforeSeq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
        limit: z.number().int().min(1).max(5000).optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.taskloom.queries.readLogs(input)),
});
