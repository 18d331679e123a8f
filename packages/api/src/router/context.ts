import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";
import { baseVersion, taskKey as key, planSlug } from "./inputs.ts";

/** `index`, `task:<key>`, `doc:<key>` or `note:<key>`; the engine checks that it names something. */
const ref = z.string().min(1).max(300);
const task = z.object({ planSlug, taskKey: key });
/** A document or note key; the plan-file rules check its alphabet. */
const itemKey = z.string().min(1).max(128);

const documentsRouter = createTRPCRouter({
  /** Adds (`create: true`) or replaces a plan document as inline text: a new plan version. */
  set: protectedProcedure
    .input(
      z.object({
        planSlug,
        key: itemKey,
        title: z.string().min(1).max(200),
        text: z.string().max(1_000_000),
        create: z.boolean(),
        baseVersion,
      }),
    )
    .mutation(({ ctx, input }) => ctx.editor.setDocument(input)),
  delete: protectedProcedure
    .input(z.object({ planSlug, key: itemKey, baseVersion }))
    .mutation(({ ctx, input }) => ctx.editor.deleteDocument(input)),
});

const notesRouter = createTRPCRouter({
  /** Adds (`create: true`) or changes a plan note: a new plan version. */
  set: protectedProcedure
    .input(
      z.object({ planSlug, key: itemKey, value: z.string().max(100_000), create: z.boolean(), baseVersion }),
    )
    .mutation(({ ctx, input }) => ctx.editor.setNote(input)),
  delete: protectedProcedure
    .input(z.object({ planSlug, key: itemKey, baseVersion }))
    .mutation(({ ctx, input }) => ctx.editor.deleteNote(input)),
});

export const contextRouter = createTRPCRouter({
  /** The bundle the llm task would get now, its overrides and its approval (stale or not, and why). */
  preview: protectedProcedure
    .input(task)
    .query(({ ctx, input }) => ctx.taskloom.context.state(input.planSlug, input.taskKey)),
  /** Items that could be added to the task's context, matching `query` (empty: every item). */
  search: protectedProcedure
    .input(task.extend({ query: z.string().max(200), limit: z.number().int().min(1).max(50).default(20) }))
    .query(({ ctx, input }) =>
      ctx.taskloom.context.searchItems(input.planSlug, input.taskKey, input.query, input.limit),
    ),
  pin: protectedProcedure.input(task.extend({ ref })).mutation(async ({ ctx, input }) => ({
    ref: await ctx.taskloom.context.setOverride(input.planSlug, input.taskKey, input.ref, "pin"),
  })),
  exclude: protectedProcedure.input(task.extend({ ref })).mutation(async ({ ctx, input }) => ({
    ref: await ctx.taskloom.context.setOverride(input.planSlug, input.taskKey, input.ref, "exclude"),
  })),
  /** Removes a person's pin or exclude of `ref`. */
  unpin: protectedProcedure.input(task.extend({ ref })).mutation(async ({ ctx, input }) => ({
    ref: await ctx.taskloom.context.setOverride(input.planSlug, input.taskKey, input.ref, null),
  })),
  /** Removes every override and the approval of the task. */
  clear: protectedProcedure
    .input(task)
    .mutation(({ ctx, input }) => ctx.taskloom.context.clear(input.planSlug, input.taskKey)),
  /** Locks the bundle the task would get now; returns its hash. */
  approve: protectedProcedure.input(task).mutation(async ({ ctx, input }) => ({
    hash: await ctx.taskloom.context.approve(input.planSlug, input.taskKey),
  })),
  documents: documentsRouter,
  notes: notesRouter,
});
