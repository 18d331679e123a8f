import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openSqliteTaskloomDatabase } from "../open-database.ts";
import { openSqliteDatabase } from "../sqlite/open-sqlite-database.ts";
import { SqliteStore } from "../sqlite/sqlite-store.ts";
import { describeQueueContract } from "./queue-contract.ts";
import { describeStoreContract, type StoreUnderTest } from "./store-contract.ts";

async function openSqliteUnderTest(): Promise<StoreUnderTest> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-contract-"));
  const file = path.join(dir, "taskloom.db");
  const database = openSqliteTaskloomDatabase({ url: `file:${file}`, cwd: dir });
  const others: SqliteStore[] = [];
  return {
    store: database.store,
    context: database.context,
    drafts: database.drafts,
    async connectAgain() {
      const other = new SqliteStore(openSqliteDatabase(file));
      others.push(other);
      return other;
    },
    async close() {
      for (const other of others) other.close();
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeStoreContract("SQLite", openSqliteUnderTest);
describeQueueContract("SQLite", openSqliteUnderTest);
