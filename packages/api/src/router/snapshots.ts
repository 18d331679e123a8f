import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";
import { taskKey } from "./inputs.ts";

const runId = z.string().min(1).max(128);
const attempt = z.number().int().min(1).max(1_000_000);
const hash = z.string().regex(/^[0-9a-f]{64}$/, "a snapshot hash is 64 lowercase hex digits");

/** One side of a diff: an attempt of a task in a run (default its last with a snapshot), or a snapshot hash. */
const snapshotRef = z.union([
  z.object({ runId, taskKey, attempt: attempt.optional() }).strict(),
  z.object({ hash }).strict(),
]);

/** Context snapshots of LLM attempts, for the run monitor. Unknown runs, attempts and hashes are NOT_FOUND. */
export const snapshotsRouter = createTRPCRouter({
  /** Every attempt of a task in a run that stored a snapshot, with usage, approval and replay facts. */
  attempts: protectedProcedure
    .input(z.object({ runId, taskKey }))
    .query(({ ctx, input }) => ctx.taskloom.snapshots.attempts(input.runId, input.taskKey)),
  /** One attempt's snapshot (default: the last attempt that stored one). */
  attempt: protectedProcedure
    .input(z.object({ runId, taskKey, attempt: attempt.optional() }))
    .query(({ ctx, input }) => ctx.taskloom.snapshots.attempt(input.runId, input.taskKey, input.attempt)),
  byHash: protectedProcedure
    .input(z.object({ hash }))
    .query(({ ctx, input }) => ctx.taskloom.snapshots.byHash(input.hash)),
  /** The plan's runs in which the task stored a snapshot, newest first (the other side of a run diff). */
  runs: protectedProcedure
    .input(z.object({ runId, taskKey }))
    .query(({ ctx, input }) => ctx.taskloom.snapshots.runs(input.runId, input.taskKey)),
  /** Items added, removed and changed from `a` to `b`, with token deltas. */
  diff: protectedProcedure
    .input(z.object({ a: snapshotRef, b: snapshotRef }))
    .query(({ ctx, input }) => ctx.taskloom.snapshots.diff(input.a, input.b)),
  /** Runs the task alone in a new run (the rest reused); its attempt sends exactly this stored snapshot. */
  replay: protectedProcedure
    .input(z.object({ runId, taskKey, attempt }))
    .mutation(({ ctx, input }) =>
      ctx.taskloom.snapshots.replay(input.runId, input.taskKey, input.attempt, ctx.actor),
    ),
});
