import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type EventRecord, parsePlanObject, silentLogger } from "@taskloom/core";
import { openSqliteTaskloomDatabase, type SqliteTaskloomDatabase } from "@taskloom/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EventFollower } from "./event-follower.ts";

let dir: string;
/** The database the follower reads. */
let reader: SqliteTaskloomDatabase;
/** Another connection to the same file: its commits reach the follower only through the poll. */
let writer: SqliteTaskloomDatabase;
let follower: EventFollower;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-follower-"));
  const url = `file:${path.join(dir, "t.db")}`;
  reader = openSqliteTaskloomDatabase({ url, cwd: dir });
  writer = openSqliteTaskloomDatabase({ url, cwd: dir });
  follower = new EventFollower({
    store: reader.store,
    planOfRun: (runId) => reader.queries.planOfRun(runId),
    pollMs: 10,
    logger: silentLogger,
  });
});
afterEach(async () => {
  follower.close();
  await reader.close();
  await writer.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Commits one `plan.imported` event per plan, through the other connection. */
async function importPlans(slugs: string[], now = 1): Promise<void> {
  for (const slug of slugs) {
    const definition = parsePlanObject({ plan: slug, tasks: { a: { kind: "noop" } } });
    await writer.store.importPlan(definition, { baseDir: null, now });
  }
}

const slugs = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}

describe("EventFollower", () => {
  it("hands every event to every subscriber exactly once, in order, from one reader", async () => {
    const seen = Array.from({ length: 50 }, () => [] as EventRecord[]);
    const subscriptions = seen.map((list) => follower.subscribe((event) => list.push(event)));
    await Promise.all(subscriptions.map((s) => s.drain()));
    await importPlans(slugs("p", 30));
    const expected = await reader.store.readEvents({ afterId: 0, limit: 1000 });
    expect(expected).toHaveLength(30);
    await until(() => seen.every((list) => list.length === 30));
    for (const list of seen) expect(list.map((e) => e.id)).toEqual(expected.map((e) => e.id));
    for (const off of subscriptions) off();
  });

  it("resumes from an old id while others commit, without a gap or a repeat", async () => {
    await importPlans(slugs("old", 20));
    const early = follower.subscribe(() => {});
    await early.drain();
    const history = await reader.store.readEvents({ afterId: 0, limit: 1000 });
    const resumeAfter = history[4]?.id ?? 0;
    const got: number[] = [];
    const writing = importPlans(slugs("new", 20));
    const late = follower.subscribe((event) => got.push(event.id), { afterId: resumeAfter });
    await writing;
    await until(() => got.length === 35);
    const all = await reader.store.readEvents({ afterId: resumeAfter, limit: 1000 });
    expect(got).toEqual(all.map((e) => e.id));
    early();
    late();
  });

  it("filters by plan, and a stream ends when its signal aborts", async () => {
    const controller = new AbortController();
    const stream = follower.stream({ planSlug: "wanted", afterId: 0 }, controller.signal);
    await importPlans(["other", "wanted", "another"]);
    const first = await stream.next();
    expect(first.value).toMatchObject([{ type: "plan.imported", data: { slug: "wanted" } }]);
    controller.abort();
    expect((await stream.next()).done).toBe(true);
  });

  it("stops delivering to a subscriber the moment it unsubscribes", async () => {
    const got: EventRecord[] = [];
    const off = follower.subscribe((event) => got.push(event));
    await off.drain();
    off();
    await importPlans(["late"]);
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual([]);
  });
});
