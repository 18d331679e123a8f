import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openSqliteTaskloomDatabase, type SqliteTaskloomDatabase } from "../open-database.ts";
import { openSqliteDatabase } from "../sqlite/open-sqlite-database.ts";
import { SqliteStore } from "../sqlite/sqlite-store.ts";
import { describeFunctionContract } from "./function-contract.ts";
import { describeQueueContract } from "./queue-contract.ts";
import { describeScheduleContract } from "./schedule-contract.ts";
import { describeStoreContract, STORED_LINKS_SQL, type StoreUnderTest } from "./store-contract.ts";
import { describeSweepContract } from "./sweep-contract.ts";

async function openSqliteUnderTest(): Promise<StoreUnderTest> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-contract-"));
  const file = path.join(dir, "taskloom.db");
  const database = openSqliteTaskloomDatabase({ url: `file:${file}`, cwd: dir });
  const others: SqliteStore[] = [];
  const otherDatabases: SqliteTaskloomDatabase[] = [];
  return {
    store: database.store,
    context: database.context,
    schedules: database.schedules,
    drafts: database.drafts,
    async connectAgain() {
      const other = new SqliteStore(openSqliteDatabase(file));
      others.push(other);
      return other;
    },
    async connectSchedulesAgain() {
      const other = openSqliteTaskloomDatabase({ url: `file:${file}`, cwd: dir });
      otherDatabases.push(other);
      return other.schedules;
    },
    async storedLinks(planSlug) {
      const reader = openSqliteDatabase(file, { readonly: true });
      try {
        return reader
          .prepare<[string], { from: string; to: string; kind: string }>(STORED_LINKS_SQL.replace("$1", "?"))
          .all(planSlug);
      } finally {
        reader.close();
      }
    },
    async close() {
      for (const other of others) other.close();
      for (const other of otherDatabases) await other.close();
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeStoreContract("SQLite", openSqliteUnderTest);
describeQueueContract("SQLite", openSqliteUnderTest);
describeSweepContract("SQLite", openSqliteUnderTest);
describeFunctionContract("SQLite", openSqliteUnderTest);
describeScheduleContract("SQLite", openSqliteUnderTest);
