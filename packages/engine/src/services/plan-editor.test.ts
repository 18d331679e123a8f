import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parsePlanObject, type RunStore, StalePlanVersionError } from "@taskloom/core";
import { openSqliteDatabase, openSqliteTaskloomDatabase, SqliteStore } from "@taskloom/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PlanEditor } from "./plan-editor.ts";

/**
 * The editor's read-modify-write against a second writer on the same database file (a CLI import from another
 * process): the other writer saves a version between the editor's read and its write.
 */
let dir: string;
let database: ReturnType<typeof openSqliteTaskloomDatabase>;
let other: SqliteStore;
const clock = { now: () => 1_000 };

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-editor-"));
  const file = path.join(dir, "t.db");
  database = openSqliteTaskloomDatabase({ url: `file:${file}`, cwd: dir });
  other = new SqliteStore(openSqliteDatabase(file));
  await database.store.importPlan(parsePlanObject({ plan: "p", tasks: { a: { kind: "noop" } } }), {
    baseDir: null,
    now: 0,
  });
});
afterEach(async () => {
  other.close();
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The store, with the other writer's import slipped in right before the editor's first write. */
function storeWithInterleavedImport(): RunStore {
  const store = database.store;
  let interleaved = false;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== "importPlan") {
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      }
      return async (...args: Parameters<RunStore["importPlan"]>) => {
        if (!interleaved) {
          interleaved = true;
          const theirs = parsePlanObject({
            plan: "p",
            tasks: { a: { kind: "noop" }, cli: { kind: "noop" } },
          });
          await other.importPlan(theirs, { baseDir: null, now: 500 });
        }
        return target.importPlan(...args);
      };
    },
  });
}

describe("PlanEditor against a concurrent writer", () => {
  it("refuses an edit based on the version it showed when another process saved in between", async () => {
    const editor = new PlanEditor(storeWithInterleavedImport(), clock);
    const edit = editor.upsertTask({ planSlug: "p", baseVersion: 1, key: "mine", task: { kind: "noop" } });
    await expect(edit).rejects.toBeInstanceOf(StalePlanVersionError);
    await expect(edit).rejects.toMatchObject({ baseVersion: 1, currentVersion: 2 });
    const stored = await database.store.getPlanDefinition("p");
    expect(stored.version).toBe(2);
    expect(stored.definition.tasks.map((task) => task.key)).toEqual(["a", "cli"]);
  });

  it("re-applies an edit without a base to the new version, keeping the other writer's change", async () => {
    const editor = new PlanEditor(storeWithInterleavedImport(), clock);
    expect(await editor.upsertTask({ planSlug: "p", key: "mine", task: { kind: "noop" } })).toEqual({
      version: 3,
    });
    const stored = await database.store.getPlanDefinition("p");
    expect(stored.definition.tasks.map((task) => task.key)).toEqual(["a", "cli", "mine"]);
  });
});
