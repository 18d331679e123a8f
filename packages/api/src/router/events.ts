import { tracked } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";

export const eventsRouter = createTRPCRouter({
  /**
   * Server-sent events, filtered to what the tab shows, in batches (`{ events }`, one message per wake-up).
   * Each message is `tracked` with the id of its last event, so a reconnecting client sends `lastEventId` and
   * resumes exactly after the last event it got.
   */
  subscribe: protectedProcedure
    .input(
      z.object({
        runId: z.string().min(1).max(128).optional(),
        planSlug: z.string().min(1).max(64).optional(),
        lastEventId: z
          .string()
          .regex(/^\d{1,15}$/)
          .nullish(),
      }),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      const events = ctx.taskloom.streamEvents(
        {
          ...(input.runId ? { runId: input.runId } : {}),
          ...(input.planSlug ? { planSlug: input.planSlug } : {}),
          ...(input.lastEventId ? { afterId: Number(input.lastEventId) } : {}),
        },
        signal,
      );
      for await (const batch of events) {
        const last = batch.at(-1);
        if (last) yield tracked(String(last.id), { events: batch });
      }
    }),
});
