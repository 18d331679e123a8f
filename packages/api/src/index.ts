export { type AppRouter, appRouter } from "./root.ts";
export {
  createCallerFactory,
  createTRPCContext,
  INTERNAL_ERROR_MESSAGE,
  type TRPCContext,
} from "./trpc.ts";
