import {
  ApprovalInputError,
  CycleError,
  PlanValidationError,
  TaskloomError,
  type TaskloomErrorCode,
} from "@taskloom/core";
import { type PlanEditor, StalePlanVersionError, type Taskloom } from "@taskloom/engine";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";

/**
 * What every procedure gets: the engine, the plan editor, whether the caller may use the API, and who the
 * caller is in the audit trail of operator actions.
 */
export interface TRPCContext {
  taskloom: Taskloom;
  editor: PlanEditor;
  authorized: boolean;
  /** `dashboard` for the browser, `token` for a script sending the token. */
  actor: string;
}

export function createTRPCContext(input: {
  taskloom: Taskloom;
  authorized: boolean;
  /** Default `dashboard`. */
  actor?: string;
}): TRPCContext {
  return {
    taskloom: input.taskloom,
    editor: input.taskloom.editor,
    authorized: input.authorized,
    actor: input.actor ?? "dashboard",
  };
}

/** The whole message of an unexpected server error, as a client gets it. */
export const INTERNAL_ERROR_MESSAGE = "internal server error: the server log has the details";

/** A refused input in one line, `invalid input: from: too big; cursor: invalid cursor` (zod's is JSON). */
function inputMessage(error: ZodError): string {
  const problems = error.issues.map((issue) => {
    const where = issue.path.map(String).join(".");
    return where === "" ? issue.message : `${where}: ${issue.message}`;
  });
  return `invalid input: ${problems.join("; ")}`;
}

const t = initTRPC.context<TRPCContext>().create({
  sse: {
    // Keeps proxies from closing an idle stream, and lets the client notice a dead one and reconnect.
    ping: { enabled: true, intervalMs: 5_000 },
    client: { reconnectAfterInactivityMs: 15_000 },
  },
  /**
   * What a client sees of an error. An unexpected failure (INTERNAL_SERVER_ERROR) says only that: its text
   * can carry a query, a file path or a stack, which the server logs (see the route's `onError`) but never
   * sends. The stack is never sent either, in development or not.
   */
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message: internal
        ? INTERNAL_ERROR_MESSAGE
        : cause instanceof ZodError
          ? inputMessage(cause)
          : shape.message,
      data: {
        ...data,
        planIssues: cause instanceof PlanValidationError ? cause.issues : null,
        cycle: cause instanceof CycleError ? cause.cycle : null,
        formErrors: cause instanceof ApprovalInputError ? cause.fields : null,
        staleVersion:
          cause instanceof StalePlanVersionError
            ? { base: cause.baseVersion, current: cause.currentVersion }
            : null,
      },
    };
  },
});

const STATUS_BY_CODE: Record<TaskloomErrorCode, TRPCError["code"]> = {
  PLAN_INVALID: "BAD_REQUEST",
  CYCLE: "BAD_REQUEST",
  BAD_INPUT: "BAD_REQUEST",
  NOT_FOUND: "NOT_FOUND",
  ILLEGAL_TRANSITION: "CONFLICT",
  CONFLICT: "CONFLICT",
  PROVIDER_REQUIRED: "PRECONDITION_FAILED",
  DATABASE: "INTERNAL_SERVER_ERROR",
};

/** The one place where typed domain errors become transport errors. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof TaskloomError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: STATUS_BY_CODE[cause.code], message: cause.message, cause });
  }
  return result;
});

const requireAuthorization = t.middleware(({ ctx, next }) => {
  if (!ctx.authorized)
    throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in with the Taskloom token" });
  return next();
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
/** Every Taskloom procedure: authorized callers only, domain errors mapped. */
export const protectedProcedure = t.procedure.use(requireAuthorization).use(domainErrors);
