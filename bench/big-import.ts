import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parsePlanObject } from "@taskloom/core";
import { openSqliteDatabase } from "@taskloom/db";
import { withEngine } from "./bench-engine.ts";

export interface BigImportResult {
  tasks: number;
  /** Rows importPlan writes (tasks + links) and createRun writes (task runs + their dependencies). */
  importRows: number;
  createRunRows: number;
  /** parsePlanObject (not in rows/s), importPlan and createRun, ms. */
  parseMs: number;
  importMs: number;
  createRunMs: number;
  /** (importRows + createRunRows) / (importMs + createRunMs). */
  rowsPerSecond: number;
}

export interface RawInsertResult {
  rows: number;
  ms: number;
  rowsPerSecond: number;
}

/**
 * A plan shaped like a real big one: task i requires task ⌊i/2⌋ (a binary tree, so n − 1 links and as many
 * run dependencies), each task a noop.
 */
function treePlan(tasks: number): unknown {
  const entries: [string, unknown][] = [["t1", { kind: "noop" }]];
  for (let i = 2; i <= tasks; i++) entries.push([`t${i}`, { kind: "noop", requires: [`t${i >> 1}`] }]);
  return { plan: `big-${tasks}`, tasks: Object.fromEntries(entries) };
}

/** importPlan + createRun of one `tasks`-task plan into a fresh database opened as the CLI opens it. */
export function measureBigImport(tasks: number): Promise<BigImportResult> {
  return withEngine("import", async ({ store, dir }) => {
    const plan = treePlan(tasks);
    const parseStart = performance.now();
    const definition = parsePlanObject(plan);
    const importStart = performance.now();
    await store.importPlan(definition, { baseDir: dir, now: Date.now() });
    const createStart = performance.now();
    await store.createRun({ planSlug: definition.slug, trigger: "api", params: {}, now: Date.now() });
    const end = performance.now();
    const links = tasks - 1;
    const importMs = createStart - importStart;
    const createRunMs = end - createStart;
    return {
      tasks,
      importRows: tasks + links,
      createRunRows: tasks + links,
      parseMs: importStart - parseStart,
      importMs,
      createRunMs,
      rowsPerSecond: (4 * tasks - 2) / ((importMs + createRunMs) / 1000),
    };
  });
}

/**
 * The ceiling for bulk writes: raw better-sqlite3 multi-row INSERTs (100 rows per prepared statement) in one
 * transaction, into a table with a text key under a unique index and a payload as long as a task's stored
 * JSON (~270 bytes), on a file opened with the engine's pragmas.
 */
export function measureRawInsert(rows: number): RawInsertResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-bench-raw-insert-"));
  const db = openSqliteDatabase(path.join(dir, "raw.db"));
  try {
    db.exec(
      "CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, payload TEXT NOT NULL)",
    );
    const perStatement = 100;
    const insert = db.prepare(
      `INSERT INTO items (key, payload) VALUES ${Array.from({ length: perStatement }, () => "(?, ?)").join(", ")}`,
    );
    const payload = "x".repeat(270);
    const start = performance.now();
    db.transaction(() => {
      const values: string[] = [];
      for (let i = 0; i < rows; i++) {
        values.push(`t${i}`, payload);
        if (values.length === 2 * perStatement) {
          insert.run(values);
          values.length = 0;
        }
      }
    }).immediate();
    const ms = performance.now() - start;
    return { rows, ms, rowsPerSecond: rows / (ms / 1000) };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
