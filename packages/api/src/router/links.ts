import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";
import { baseVersion, planSlug, taskKey } from "./inputs.ts";

const link = z.object({
  planSlug,
  /** The upstream task. */
  from: taskKey,
  /** The dependent task. */
  to: taskKey,
  kind: z.enum(["requires", "refers"]),
  baseVersion,
});

export const linksRouter = createTRPCRouter({
  create: protectedProcedure.input(link).mutation(({ ctx, input }) => ctx.editor.createLink(input)),
  delete: protectedProcedure.input(link).mutation(({ ctx, input }) => ctx.editor.deleteLink(input)),
  setKind: protectedProcedure.input(link).mutation(({ ctx, input }) => ctx.editor.setLinkKind(input)),
});
