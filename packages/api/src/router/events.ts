import { tracked } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";

/** Kinds of events, by the prefix of their type. */
const EVENT_KINDS = ["run", "task_run", "plan"] as const;

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
        /**
         * Only events of these kinds (the part of the type before the dot: `run.created` is a `run` event).
         * Default: every kind. The Runs and Plans lists follow `run` and `plan` events, not every task's.
         */
        only: z.array(z.enum(EVENT_KINDS)).min(1).max(EVENT_KINDS.length).optional(),
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
      const kinds = input.only ? new Set<string>(input.only) : null;
      for await (const batch of events) {
        const wanted = kinds ? batch.filter((event) => kinds.has(event.type.split(".", 1)[0] ?? "")) : batch;
        // A batch filtered down to nothing is not sent: a resume from the previous id only skips it again.
        const last = wanted.at(-1);
        if (last) yield tracked(String(last.id), { events: wanted });
      }
    }),
});
