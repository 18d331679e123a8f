import { DatabaseUnavailableError } from "@taskloom/core";
import { afterEach, expect, it } from "vitest";
import { isConnectionError } from "./connection-monitor.ts";
import { openPostgresDatabase, type PostgresTaskloomDatabase } from "./open-postgres-database.ts";
import { type CuttableLink, cuttableLink, postgresDescribe, useTestDatabase } from "./test-database.ts";

const describePostgres = await postgresDescribe();

it("tells connection errors from statement errors", () => {
  expect(isConnectionError(Object.assign(new Error("x"), { code: "57P01" }))).toBe(true);
  expect(isConnectionError(Object.assign(new Error("x"), { code: "08006" }))).toBe(true);
  expect(isConnectionError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBe(
    true,
  );
  expect(isConnectionError(new Error("Connection terminated unexpectedly"))).toBe(true);
  expect(isConnectionError(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
  expect(isConnectionError(Object.assign(new Error("deadlock"), { code: "40P01" }))).toBe(false);
});

describePostgres("reconnecting to PostgreSQL", () => {
  const testDb = useTestDatabase();
  let database: PostgresTaskloomDatabase | null = null;
  let link: CuttableLink | null = null;
  afterEach(async () => {
    await database?.close();
    await link?.close();
    database = link = null;
  });

  /** Opens the database (through `url`) and records what it reports about its connection. */
  async function open(url: string) {
    database = await openPostgresDatabase({
      url,
      poolSize: 3,
      reconnect: { baseDelayMs: 20, maxDelayMs: 200 },
    });
    const said: string[] = [];
    let restored: () => void = () => {};
    let lost: () => void = () => {};
    const events = {
      lost: new Promise<void>((resolve) => {
        lost = resolve;
      }),
      restored: new Promise<void>((resolve) => {
        restored = resolve;
      }),
    };
    database.watchConnection({
      lost: (error) => {
        said.push(`lost: ${error.message}`);
        lost();
      },
      restored: () => {
        said.push("restored");
        restored();
      },
    });
    return { store: database.store, said, events };
  }

  it("after every backend is terminated: one lost, one restored, and the store works again", async () => {
    const { store, said, events } = await open(testDb().url);
    await Promise.all([store.lastEventId(), store.lastEventId(), store.lastEventId()]);
    expect(await testDb().terminateConnections()).toBeGreaterThan(0);
    await events.lost;
    await events.restored;
    await store.registerWorker({ id: "w", host: "h", pid: 1, queues: [], concurrency: 1, now: Date.now() });
    expect(await store.lastEventId()).toBe(0);
    expect(said).toEqual([
      expect.stringMatching(/^lost: lost the connection to PostgreSQL at .*; reconnecting$/),
      "restored",
    ]);
  });

  it("while the server is unreachable, fails fast with DatabaseUnavailableError; reconnects once it is back", async () => {
    link = await cuttableLink(testDb().url);
    const { store, said, events } = await open(link.url);
    await store.registerWorker({ id: "w", host: "h", pid: 1, queues: [], concurrency: 1, now: Date.now() });
    await link.cut();
    await expect(store.heartbeatWorker("w", Date.now())).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await events.lost;
    // Further operations fail at once, with the one error of the outage.
    for (let i = 0; i < 20; i++) {
      await expect(store.heartbeatWorker("w", Date.now())).rejects.toBeInstanceOf(DatabaseUnavailableError);
    }
    await link.restore();
    await events.restored;
    await store.heartbeatWorker("w", Date.now());
    const workers = await database?.queries.listWorkers();
    expect(workers?.map((w) => w.id)).toEqual(["w"]);
    expect(said).toEqual([expect.stringMatching(/^lost: .*; reconnecting$/), "restored"]);
  });
});
