import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parsePlanText } from "@taskloom/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type TaskloomDatabase } from "../open-database.ts";
import { createTestDatabase, postgresDescribe } from "../postgres/test-database.ts";

const describePostgres = await postgresDescribe();
const HASH = "ab".repeat(32);

/** Replay requests (`ContextStore.requestReplay/bindReplay/takeReplay`) on one provider. */
function replaySuite(open: () => Promise<{ database: TaskloomDatabase; close(): Promise<void> }>) {
  let database: TaskloomDatabase;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ database, close } = await open());
    const plan = parsePlanText("plan: brief\ntasks:\n  summarize: { kind: llm, prompt: Sum up. }\n");
    await database.store.importPlan(plan, { baseDir: null, now: 1_000 });
  });
  afterEach(() => close());

  const runAt = async (now: number) =>
    (await database.store.createRun({ planSlug: "brief", trigger: "api", params: {}, now })).runId;
  const request = (now: number) =>
    database.context.requestReplay(
      {
        planSlug: "brief",
        taskKey: "summarize",
        snapshotHash: HASH,
        sourceRunId: "run_source",
        sourceAttempt: 2,
      },
      now,
    );

  it("serves the run it is bound to, on every attempt, and no other run", async () => {
    const older = await runAt(2_000);
    const id = await request(3_000);
    const replay = await runAt(3_000);
    await database.context.bindReplay(id, replay);
    // A run created before the request never takes it, bound or not.
    expect(await database.context.takeReplay(older, "summarize")).toBeNull();
    const taken = await database.context.takeReplay(replay, "summarize");
    expect(taken).toMatchObject({
      id,
      planSlug: "brief",
      taskKey: "summarize",
      snapshotHash: HASH,
      sourceRunId: "run_source",
      sourceAttempt: 2,
      runId: replay,
    });
    expect(await database.context.takeReplay(replay, "summarize")).toEqual(taken);
    expect(await database.context.replayOf(replay, "summarize")).toEqual(taken);
    expect(await database.context.takeReplay(await runAt(4_000), "summarize")).toBeNull();
    expect(await database.context.takeReplay(replay, "other-task")).toBeNull();
  });

  it("an attempt that comes before the bind takes the request for its run; then the bind is a no-op", async () => {
    const id = await request(3_000);
    const replay = await runAt(3_000);
    const other = await runAt(3_500);
    const [first, second] = await Promise.all([
      database.context.takeReplay(replay, "summarize"),
      database.context.takeReplay(other, "summarize"),
    ]);
    // Exactly one of two racing runs gets the one request.
    expect([first, second].filter((taken) => taken !== null)).toHaveLength(1);
    const winner = first === null ? other : replay;
    await database.context.bindReplay(id, replay);
    expect((await database.context.replayOf(winner, "summarize"))?.id).toBe(id);
  });

  it("refuses an unknown run and plan", async () => {
    await expect(database.context.takeReplay("run_missing", "summarize")).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(
      database.context.requestReplay(
        { planSlug: "nope", taskKey: "summarize", snapshotHash: HASH, sourceRunId: "r", sourceAttempt: 1 },
        1,
      ),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
}

describe("context replays on SQLite", () => {
  replaySuite(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-replays-"));
    const database = await openDatabase({ url: `file:${path.join(dir, "t.db")}`, cwd: dir });
    return {
      database,
      close: async () => {
        await database.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

describePostgres("context replays on PostgreSQL", () => {
  replaySuite(async () => {
    const testDb = await createTestDatabase();
    const database = await openDatabase({ url: testDb.url, cwd: os.tmpdir() });
    return {
      database,
      close: async () => {
        await database.close();
        await testDb.drop();
      },
    };
  });
});
