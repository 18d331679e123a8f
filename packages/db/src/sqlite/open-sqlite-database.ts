import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

export type SqliteDatabase = Database.Database;

/**
 * Opens (creating if needed) a Taskloom SQLite database with the settings the engine relies on.
 *
 * - WAL: readers (the dashboard, `taskloom runs`) never block the worker's writes.
 * - synchronous=NORMAL: in WAL mode a commit is durable across process crashes (kill -9) and the file never
 *   corrupts; only an OS crash or power loss can drop the last transactions. A dropped completion means the
 *   task runs again, which the at-least-once contract already allows, and it buys ~an order of magnitude in
 *   commit rate over FULL.
 * - wal_autocheckpoint: see below.
 * - busy_timeout: several processes (CLI, worker, web) share one file; a writer waits for the lock instead of
 *   failing at once.
 */
export function openSqliteDatabase(filePath: string, options: { readonly?: boolean } = {}): SqliteDatabase {
  if (filePath !== ":memory:") fs.mkdirSync(path.dirname(filePath), { recursive: true });
  const db = new Database(filePath, { readonly: options.readonly ?? false });
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 10000");
  // SQLite checkpoints inside whichever commit crosses the threshold (two fsyncs and the page copies, several
  // ms). At the default 1000 pages that is every ~44th claim+complete pair; 4000 makes it rare enough to stay
  // out of the hop latency's p99, for a WAL file of up to ~16 MiB between checkpoints.
  db.pragma("wal_autocheckpoint = 4000");
  db.pragma("foreign_keys = ON");
  return db;
}

/** `file:relative/or/absolute.db`, `sqlite:...` or a bare path → a filesystem path (resolved against `cwd`). */
export function sqlitePathFromUrl(url: string, cwd: string): string {
  const bare = url.replace(/^(file|sqlite):(\/\/)?/, "");
  if (bare === ":memory:") return bare;
  return path.resolve(cwd, bare);
}
