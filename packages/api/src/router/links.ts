import { LINK_KINDS } from "@taskloom/core";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";
import { baseVersion, planSlug, taskKey } from "./inputs.ts";

const link = z.object({
  planSlug,
  /** The upstream task. */
  from: taskKey,
  /** The dependent task. */
  to: taskKey,
  kind: z.enum(LINK_KINDS),
  baseVersion,
});

export const linksRouter = createTRPCRouter({
  create: protectedProcedure.input(link).mutation(({ ctx, input }) => ctx.editor.createLink(input)),
  delete: protectedProcedure.input(link).mutation(({ ctx, input }) => ctx.editor.deleteLink(input)),
  /** `kind` is the new kind; `previousKind` the link's kind now (default: its only other kind). */
  setKind: protectedProcedure
    .input(link.extend({ previousKind: z.enum(LINK_KINDS).optional() }))
    .mutation(({ ctx, input }) => ctx.editor.setLinkKind(input)),
});
