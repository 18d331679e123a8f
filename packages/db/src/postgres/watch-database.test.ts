import type { TaskloomError } from "@taskloom/core";
import { afterEach, expect, it } from "vitest";
import { openPostgresDatabase, type PostgresTaskloomDatabase } from "./open-postgres-database.ts";
import { createTestDatabase, postgresDescribe, type TestDatabase } from "./test-database.ts";

const describePostgres = await postgresDescribe();

const WATCH_MS = 50;

describePostgres("watchForLoss on PostgreSQL", () => {
  let testDb: TestDatabase | null = null;
  let database: PostgresTaskloomDatabase | null = null;
  afterEach(async () => {
    await database?.close().catch(() => {});
    await testDb?.drop().catch(() => {});
    database = null;
    testDb = null;
  });

  async function open(): Promise<{ losses: TaskloomError[] }> {
    testDb = await createTestDatabase();
    database = await openPostgresDatabase({ url: testDb.url, poolSize: 2, watchIntervalMs: WATCH_MS });
    const losses: TaskloomError[] = [];
    database.watchForLoss((error) => losses.push(error));
    return { losses };
  }

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("says once that the database was dropped while in use", async () => {
    const { losses } = await open();
    await testDb?.drop();
    for (let i = 0; i < 100 && losses.length === 0; i++) await pause(WATCH_MS);
    await pause(5 * WATCH_MS);
    expect(losses).toHaveLength(1);
    expect(losses[0]).toMatchObject({ code: "DATABASE" });
    expect(losses[0]?.message).toMatch(/database \S+ was dropped while Taskloom was using it/);
  });

  it("does not take lost connections for a lost database", async () => {
    const { losses } = await open();
    expect(await testDb?.terminateConnections()).toBeGreaterThanOrEqual(1);
    await pause(10 * WATCH_MS);
    expect(losses).toEqual([]);
    expect(
      (await database?.store.getRunStatus("run_unknown").catch((e: TaskloomError) => e.code)) ?? null,
    ).toBe("NOT_FOUND");
  });
});
