import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";
import { baseVersion, taskKey as key, planSlug } from "./inputs.ts";

export const tasksRouter = createTRPCRouter({
  /** `task` is a plan-file task object; the editor validates it with the plan-file rules. */
  upsert: protectedProcedure
    .input(
      z.object({
        planSlug,
        key,
        originalKey: key.optional(),
        task: z.record(z.string(), z.unknown()),
        position: z.object({ x: z.number().finite(), y: z.number().finite() }).optional(),
        baseVersion,
      }),
    )
    .mutation(({ ctx, input }) => ctx.editor.upsertTask(input)),
  delete: protectedProcedure
    .input(z.object({ planSlug, key, baseVersion }))
    .mutation(({ ctx, input }) => ctx.editor.deleteTask(input)),
  setPositions: protectedProcedure
    .input(
      z.object({
        planSlug,
        positions: z.array(z.object({ key, x: z.number().finite(), y: z.number().finite() })).max(10_000),
      }),
    )
    .mutation(({ ctx, input }) => ctx.editor.setPositions(input)),
});
