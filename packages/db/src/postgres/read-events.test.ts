import { type EventRecord, seededRandom } from "@taskloom/core";
import pg from "pg";
import { afterEach, beforeEach, expect, it } from "vitest";
import { postgresSettingsFromUrl } from "./connection-config.ts";
import { writeEvents } from "./event-writer.ts";
import { openPostgresDatabase, type PostgresTaskloomDatabase } from "./open-postgres-database.ts";
import { postgresDescribe, type TestDatabase, truncateAllTables, useTestDatabase } from "./test-database.ts";

const describePostgres = await postgresDescribe();

let testDb: () => TestDatabase;
let reader: PostgresTaskloomDatabase;
let writers: pg.Client[] = [];

/** A connection of another process that writes events in transactions it commits when the test says. */
async function writerConnection(): Promise<pg.Client> {
  const client = new pg.Client(postgresSettingsFromUrl(testDb().url).config);
  await client.connect();
  writers.push(client);
  return client;
}

const event = (data: Record<string, unknown>) => ({
  type: "plan.updated" as const,
  runId: null,
  data,
  at: 0,
});

/**
 * What a stream resuming from the last id it got collects while `writing` runs: every read goes on after the
 * last event seen. Then it reads on up to `lastEventId()`, which is final once every writer has finished.
 */
async function follow(writing: Promise<unknown>, limit: number): Promise<EventRecord[]> {
  const seen: EventRecord[] = [];
  let finished = false;
  void writing.then(() => {
    finished = true;
  });
  const readOn = async () => {
    seen.push(...(await reader.store.readEvents({ afterId: seen.at(-1)?.id ?? 0, limit })));
  };
  while (!finished) await readOn();
  const last = await reader.store.lastEventId();
  while ((seen.at(-1)?.id ?? 0) < last) await readOn();
  return seen;
}

async function allCommittedIds(): Promise<number[]> {
  const { rows } = await reader.store.pool.query<{ id: string }>(
    "SELECT id::text AS id FROM events ORDER BY events.id",
  );
  return rows.map((row) => Number(row.id));
}

describePostgres("the PostgreSQL event log under concurrent writers", () => {
  testDb = useTestDatabase();
  beforeEach(async () => {
    reader = await openPostgresDatabase({ url: testDb().url, poolSize: 4 });
    await truncateAllTables(reader.store.pool);
  });
  afterEach(async () => {
    for (const client of writers) await client.end();
    writers = [];
    await reader.close();
  });

  it("a reader that resumes from its last id sees every committed event exactly once, in id order", async () => {
    // 12 connections each commit (or roll back) 25 transactions of 1–3 events, holding each transaction open a
    // random 0–6 ms after taking its ids: transactions that took lower ids keep committing after higher ones.
    const connections = await Promise.all(Array.from({ length: 12 }, () => writerConnection()));
    const random = seededRandom(8);
    const work = connections.map(async (client, writer) => {
      for (let tx = 0; tx < 25; tx++) {
        await client.query("BEGIN");
        // Half take their transaction id well before their events, as a claim or completion does with its locks.
        if (random() < 0.5) await client.query("SELECT pg_current_xact_id()");
        const count = 1 + Math.floor(random() * 3);
        await writeEvents(
          client,
          Array.from({ length: count }, (_, n) => event({ writer, tx, n })),
        );
        await new Promise((resolve) => setTimeout(resolve, random() * 6));
        await client.query(random() < 0.1 ? "ROLLBACK" : "COMMIT");
      }
    });
    const seen = await follow(Promise.all(work), 7);
    const ids = seen.map((e) => e.id);
    expect(ids).toEqual(await allCommittedIds());
    expect(ids.length).toBeGreaterThan(200);
    expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] ?? 0))).toBe(true);
  });

  it("holds back what an open transaction may still fill in, and lastEventId waits for it to end", async () => {
    const [slow, fast] = [await writerConnection(), await writerConnection()];
    await writeEvents(fast, [event({ n: 0 })]);
    const [first] = await reader.store.readEvents({ afterId: 0, limit: 10 });
    await slow.query("BEGIN");
    await writeEvents(slow, [event({ slow: true })]);
    await writeEvents(fast, [event({ n: 1 })]); // a later id, committed at once
    // The committed later event is not handed out while the earlier id may still commit.
    expect(await reader.store.readEvents({ afterId: first?.id ?? 0, limit: 10 })).toEqual([]);
    let last: number | null = null;
    const waiting = reader.store.lastEventId().then((id) => {
      last = id;
    });
    for (let i = 0; i < 5; i++) await fast.query("SELECT 1");
    expect(last).toBeNull();
    await slow.query("COMMIT");
    await waiting;
    const rest = await reader.store.readEvents({ afterId: first?.id ?? 0, limit: 10 });
    expect(rest.map((e) => e.data)).toEqual([{ slow: true }, { n: 1 }]);
    expect(last).toBe(rest.at(-1)?.id);
  });

  it("a rolled-back id leaves a hole that does not hold the log back", async () => {
    const [a, b] = [await writerConnection(), await writerConnection()];
    await a.query("BEGIN");
    await writeEvents(a, [event({ rolledBack: true })]);
    await writeEvents(b, [event({ kept: true })]);
    await a.query("ROLLBACK");
    const events = await reader.store.readEvents({ afterId: 0, limit: 10 });
    expect(events.map((e) => e.data)).toEqual([{ kept: true }]);
    expect(await reader.store.lastEventId()).toBe(events[0]?.id);
  });
});
