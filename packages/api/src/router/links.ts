import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";

const link = z.object({
  planSlug: z.string().min(1),
  /** The upstream task. */
  from: z.string().min(1),
  /** The dependent task. */
  to: z.string().min(1),
  kind: z.enum(["requires", "refers"]),
});

export const linksRouter = createTRPCRouter({
  create: protectedProcedure.input(link).mutation(({ ctx, input }) => ctx.editor.createLink(input)),
  delete: protectedProcedure.input(link).mutation(({ ctx, input }) => ctx.editor.deleteLink(input)),
  setKind: protectedProcedure.input(link).mutation(({ ctx, input }) => ctx.editor.setLinkKind(input)),
});
