import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";
import { taskKey } from "./inputs.ts";

const seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const logsRouter = createTRPCRouter({
  /** A page of a task's log: after `afterSeq` (follow), before `beforeSeq` (scroll back), or the tail. */
  read: protectedProcedure
    .input(
      z.object({
        runId: z.string().min(1).max(128),
        taskKey,
        afterSeq: seq.optional(),
        beforeSeq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
        limit: z.number().int().min(1).max(5000).optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.taskloom.queries.readLogs(input)),
  /**
   * The chunks of a task's log that contain `query` (ignoring case), a page at a time: `cursor` is the
   * previous page's `nextSeq` (named so for TanStack's infinite queries).
   */
  search: protectedProcedure
    .input(
      z.object({
        runId: z.string().min(1).max(128),
        taskKey,
        query: z.string().min(1).max(200),
        cursor: seq.nullish(),
        limit: z.number().int().min(1).max(1000).optional(),
      }),
    )
    .query(({ ctx, input }) =>
      ctx.taskloom.queries.searchLog({
        runId: input.runId,
        taskKey: input.taskKey,
        query: input.query,
        ...(input.cursor != null ? { afterSeq: input.cursor } : {}),
        ...(input.limit !== undefined ? { limit: input.limit } : {}),
      }),
    ),
});
