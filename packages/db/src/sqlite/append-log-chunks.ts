import type { LogChunkInput } from "@taskloom/core";
import type { SqliteDatabase } from "./open-sqlite-database.ts";

/** Appends log chunks in one transaction; `seq` continues per task run across attempts. */
export function prepareAppendLogChunks(db: SqliteDatabase): (chunks: LogChunkInput[]) => void {
  const lastSeq = db.prepare<[number], { seq: number | null }>(
    "SELECT max(seq) AS seq FROM log_chunks WHERE task_run_id = ?",
  );
  const insert = db.prepare(
    "INSERT INTO log_chunks (task_run_id, attempt, seq, stream, text, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const append = db.transaction((chunks: LogChunkInput[]) => {
    const next = new Map<number, number>();
    for (const chunk of chunks) {
      let seq = next.get(chunk.taskRunId);
      if (seq === undefined) seq = (lastSeq.get(chunk.taskRunId)?.seq ?? 0) + 1;
      insert.run(chunk.taskRunId, chunk.attempt, seq, chunk.stream, chunk.text, chunk.at);
      next.set(chunk.taskRunId, seq + 1);
    }
  });
  return (chunks) => {
    if (chunks.length > 0) append.immediate(chunks);
  };
}
