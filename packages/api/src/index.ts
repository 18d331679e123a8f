export { type AppRouter, appRouter } from "./root.ts";
export { createCallerFactory, createTRPCContext, type TRPCContext } from "./trpc.ts";
