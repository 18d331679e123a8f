import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openSqliteDatabase } from "@taskloom/db";

export interface ReferenceResult {
  commits: number;
  seconds: number;
  commitsPerSecond: number;
}

/**
 * The ceiling the engine is compared against: how many small write transactions raw better-sqlite3 commits
 * per second on this machine, in this process. The file is opened by the same function the engine uses, so
 * the pragmas (WAL, synchronous=NORMAL) are the same. Each commit is one INSERT + one UPDATE, roughly the
 * smallest state change a task run can make.
 */
export function measureReference(durationMs = 1500): ReferenceResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-bench-reference-"));
  const db = openSqliteDatabase(path.join(dir, "reference.db"));
  try {
    db.exec(`CREATE TABLE items (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      status TEXT NOT NULL,
      payload TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    )`);
    const insert = db.prepare<[string, number], { id: number }>(
      "INSERT INTO items (status, payload, updated_at) VALUES ('ready', ?, ?) RETURNING id",
    );
    const update = db.prepare<[number, number]>(
      "UPDATE items SET status = 'done', updated_at = ? WHERE id = ?",
    );
    const commit = db.transaction((i: number) => {
      const row = insert.get(`payload-${i}`, i);
      if (row) update.run(i, row.id);
    });
    const once = (i: number) => commit.immediate(i);

    // Warm-up: JIT, page cache and the first WAL frames should not count.
    for (let i = 0; i < 2000; i++) once(i);

    let commits = 0;
    const start = performance.now();
    let elapsed = 0;
    // Checked every 500 commits so reading the clock costs nothing measurable.
    while (elapsed < durationMs) {
      for (let i = 0; i < 500; i++) once(commits + i);
      commits += 500;
      elapsed = performance.now() - start;
    }
    return { commits, seconds: elapsed / 1000, commitsPerSecond: commits / (elapsed / 1000) };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
