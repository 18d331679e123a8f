import type { LogChunkInput } from "@taskloom/core";
import { at, type Queryable } from "./transaction.ts";

/** Keys the per-task-run advisory locks of log appends (two-int form: this class, the task run id). */
const LOG_LOCK_CLASS = 0x7461_736b; // "task"

/**
 * Appends log chunks in one transaction; `seq` continues per task run across attempts (the PostgreSQL twin of
 * sqlite/append-log-chunks.ts). Two appenders of one task run (a stale worker and the new lease holder) take
 * turns on a transaction-level advisory lock per task run, so `max(seq) + 1` cannot be taken twice; advisory
 * locks rather than row locks, so appends never wait for the hot path's updates of the same task runs.
 */
export async function appendLogChunks(client: Queryable, chunks: LogChunkInput[]): Promise<void> {
  if (chunks.length === 0) return;
  const taskRunIds = [...new Set(chunks.map((chunk) => chunk.taskRunId))].sort((a, b) => a - b);
  // In id order: two appenders of overlapping sets cannot deadlock.
  await client.query("SELECT pg_advisory_xact_lock($1, id) FROM unnest($2::int[]) AS id ORDER BY id", [
    LOG_LOCK_CLASS,
    taskRunIds,
  ]);
  const { rows } = await client.query<{ task_run_id: number; seq: number }>(
    `SELECT r.id AS task_run_id, coalesce((SELECT max(l.seq) FROM log_chunks l WHERE l.task_run_id = r.id), 0) AS seq
       FROM unnest($1::int[]) AS r(id)`,
    [taskRunIds],
  );
  const next = new Map(rows.map((row) => [row.task_run_id, row.seq + 1]));
  const seqs = chunks.map((chunk) => {
    const seq = next.get(chunk.taskRunId) ?? 1;
    next.set(chunk.taskRunId, seq + 1);
    return seq;
  });
  await client.query(
    `INSERT INTO log_chunks (task_run_id, attempt, seq, stream, text, created_at)
     SELECT c.task_run_id, c.attempt, c.seq, c.stream, c.text, c.created_at
       FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::text[], $6::timestamptz[])
            WITH ORDINALITY AS c(task_run_id, attempt, seq, stream, text, created_at, ord)
      ORDER BY c.ord`,
    [
      chunks.map((chunk) => chunk.taskRunId),
      chunks.map((chunk) => chunk.attempt),
      seqs,
      chunks.map((chunk) => chunk.stream),
      chunks.map((chunk) => chunk.text),
      chunks.map((chunk) => at(chunk.at)),
    ],
  );
}
