import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach } from "vitest";
import { Taskloom } from "../src/index.ts";

/** What a test gets from `useEngineOnSqlite`: fresh for every test. */
export interface EngineOnSqlite {
  /** The test's own folder: the database file and whatever its tasks write. */
  readonly dir: string;
  readonly taskloom: Taskloom;
  /** Added to the real time of the engine's clock: moves it past a timeout or a TTL without waiting. */
  offsetMs: number;
}

/**
 * Opens an engine on a real SQLite file in a new temp folder before each test (polling every 50 ms), and closes
 * and deletes it after.
 */
export function useEngineOnSqlite(prefix: string): EngineOnSqlite {
  let dir: string | undefined;
  let taskloom: Taskloom | undefined;
  const fixture = {
    offsetMs: 0,
    get dir(): string {
      if (dir === undefined) throw new Error("the engine is opened in beforeEach");
      return dir;
    },
    get taskloom(): Taskloom {
      if (taskloom === undefined) throw new Error("the engine is opened in beforeEach");
      return taskloom;
    },
  };
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    fixture.offsetMs = 0;
    taskloom = await Taskloom.open({
      databaseUrl: `file:${path.join(dir, "t.db")}`,
      cwd: dir,
      pollMs: 50,
      clock: { now: () => Date.now() + fixture.offsetMs },
    });
  });
  afterEach(async () => {
    await taskloom?.close();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
    taskloom = undefined;
    dir = undefined;
  });
  return fixture;
}
