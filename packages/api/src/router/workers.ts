import { createTRPCRouter, protectedProcedure } from "../trpc.ts";

export const workersRouter = createTRPCRouter({
  /** Every registered worker on any host, with its state (`alive` or `lost`) and running attempts. */
  list: protectedProcedure.query(({ ctx }) => ctx.taskloom.listWorkers()),
});
