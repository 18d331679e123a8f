import { openPostgresDatabase, type PostgresTaskloomDatabase } from "../postgres/open-postgres-database.ts";
import { createTestDatabase, postgresDescribe } from "../postgres/test-database.ts";
import { describeFunctionContract } from "./function-contract.ts";
import { describeQueueContract } from "./queue-contract.ts";
import { describeScheduleContract } from "./schedule-contract.ts";
import { describeStoreContract, STORED_LINKS_SQL, type StoreUnderTest } from "./store-contract.ts";
import { describeSweepContract } from "./sweep-contract.ts";

const describePostgres = await postgresDescribe();

describePostgres("PostgreSQL", () => {
  // The suite drives time through the ports' `now`, so leases are judged by the caller's clock here; the
  // database clock (the default) has its own tests in postgres/lease-clock.test.ts.
  const openPostgresUnderTest = async (): Promise<StoreUnderTest> => {
    const testDb = await createTestDatabase();
    const open = () => openPostgresDatabase({ url: testDb.url, poolSize: 4, leaseClock: "caller" });
    const database = await open();
    const others: PostgresTaskloomDatabase[] = [];
    return {
      store: database.store,
      context: database.context,
      schedules: database.schedules,
      drafts: database.drafts,
      async connectAgain() {
        const other = await open();
        others.push(other);
        return other.store;
      },
      async connectSchedulesAgain() {
        const other = await open();
        others.push(other);
        return other.schedules;
      },
      async storedLinks(planSlug) {
        const { rows } = await database.store.pool.query<{ from: string; to: string; kind: string }>(
          STORED_LINKS_SQL,
          [planSlug],
        );
        return rows;
      },
      async close() {
        for (const other of others) await other.close();
        await database.close();
        await testDb.drop();
      },
    };
  };
  describeStoreContract("PostgreSQL", openPostgresUnderTest);
  describeQueueContract("PostgreSQL", openPostgresUnderTest);
  describeSweepContract("PostgreSQL", openPostgresUnderTest);
  describeFunctionContract("PostgreSQL", openPostgresUnderTest);
  describeScheduleContract("PostgreSQL", openPostgresUnderTest);
});
