import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach } from "vitest";
import { Taskloom } from "../src/index.ts";

/** What a test gets from `useEngine`: fresh for every test. */
export interface EngineFixture {
  /** The test's own folder: the plan's base folder and whatever its tasks write (and the SQLite file). */
  readonly dir: string;
  readonly taskloom: Taskloom;
  /** Added to the real time of the engine's clock: moves it past a timeout or a TTL without waiting. */
  offsetMs: number;
}

/** A database for one test: its URL, and how to drop it after. */
export type TestDatabaseFactory = (dir: string) => Promise<{ url: string; drop(): Promise<void> }>;

/** The default: a real SQLite file in the test's folder (deleted with the folder). */
const sqliteFile: TestDatabaseFactory = async (dir) => ({
  url: `file:${path.join(dir, "t.db")}`,
  drop: async () => {},
});

/**
 * Opens an engine (polling every 50 ms) on a fresh database in a new temp folder before each test, and closes
 * it, drops the database and deletes the folder after. Register it before the suite's own `beforeEach`, which
 * then sees the engine open.
 */
export function useEngine(prefix: string, database: TestDatabaseFactory = sqliteFile): EngineFixture {
  let dir: string | undefined;
  let taskloom: Taskloom | undefined;
  let drop: (() => Promise<void>) | undefined;
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
    const opened = await database(dir);
    drop = opened.drop;
    taskloom = await Taskloom.open({
      databaseUrl: opened.url,
      cwd: dir,
      pollMs: 50,
      clock: { now: () => Date.now() + fixture.offsetMs },
    });
  });
  afterEach(async () => {
    await taskloom?.close();
    await drop?.();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
    taskloom = undefined;
    drop = undefined;
    dir = undefined;
  });
  return fixture;
}
