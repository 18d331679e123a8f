import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";

export const logsRouter = createTRPCRouter({
  /** A page of a task's log: after `afterSeq` (follow), before `beforeSeq` (scroll back), or the tail. */
  read: protectedProcedure
    .input(
      z.object({
        runId: z.string().min(1),
        taskKey: z.string().min(1),
        afterSeq: z.number().int().nonnegative().optional(),
        beforeSeq: z.number().int().positive().optional(),
        limit: z.number().int().min(1).max(5000).optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.taskloom.queries.readLogs(input)),
});
