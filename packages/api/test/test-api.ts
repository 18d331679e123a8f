import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CycleError, type PlanIssue, PlanValidationError } from "@taskloom/core";
import { StalePlanVersionError, Taskloom } from "@taskloom/engine";
import type { TRPCError } from "@trpc/server";
import { afterEach, beforeEach } from "vitest";
import { appRouter, createCallerFactory, createTRPCContext } from "../src/index.ts";

/** Makes a direct caller of the routers from a context (`createTRPCContext`), as the route handler does. */
export const createCaller = createCallerFactory(appRouter);
export type TestApi = ReturnType<typeof createCaller>;

/**
 * A fresh engine on a SQLite file in a temporary folder for each test, and an authorized caller of the
 * routers on it; `setup` runs after both exist (an import, say). Read the fields inside tests.
 */
export function useTestApi(name: string, setup: (api: TestApi) => Promise<unknown> = async () => {}) {
  const handle = {} as { dir: string; taskloom: Taskloom; api: TestApi };
  beforeEach(async () => {
    handle.dir = fs.mkdtempSync(path.join(os.tmpdir(), `taskloom-${name}-`));
    handle.taskloom = await Taskloom.open({
      databaseUrl: `file:${path.join(handle.dir, "t.db")}`,
      cwd: handle.dir,
      pollMs: 50,
    });
    handle.api = createCaller(createTRPCContext({ taskloom: handle.taskloom, authorized: true }));
    await setup(handle.api);
  });
  afterEach(async () => {
    await handle.taskloom.close();
    fs.rmSync(handle.dir, { recursive: true, force: true });
  });
  return handle;
}

/**
 * How a call that must fail failed: the tRPC code and message, and, only when the cause carries them, the
 * plan-file issues (`issues`), the cycle (`cycle`) and the current version of a stale edit (`currentVersion`)
 * that the error formatter sends to clients. The keys are absent otherwise, so `toEqual({ code, message })`
 * holds for any other failure.
 */
export interface CallFailure {
  code: TRPCError["code"];
  message: string;
  issues?: PlanIssue[];
  cycle?: string[];
  currentVersion?: number;
}

/** The failure of `promise` (see `CallFailure`); throws, failing the test, when the call succeeds. */
export async function failure(promise: Promise<unknown>): Promise<CallFailure> {
  const outcome = await promise.then(
    () => ({ failed: false as const }),
    (error: unknown) => ({ failed: true as const, error: error as TRPCError }),
  );
  if (!outcome.failed) throw new Error("expected the call to fail");
  const { code, message, cause } = outcome.error;
  return {
    code,
    message,
    ...(cause instanceof PlanValidationError ? { issues: cause.issues } : {}),
    ...(cause instanceof CycleError ? { cycle: cause.cycle } : {}),
    ...(cause instanceof StalePlanVersionError ? { currentVersion: cause.currentVersion } : {}),
  };
}
