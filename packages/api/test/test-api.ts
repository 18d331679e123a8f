import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Taskloom } from "@taskloom/engine";
import { afterEach, beforeEach } from "vitest";
import { appRouter, createCallerFactory, createTRPCContext } from "../src/index.ts";

const createCaller = createCallerFactory(appRouter);
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
