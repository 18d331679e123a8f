import type { QueuedTaskRun } from "@taskloom/core";
import { peekOrder } from "../claim-order.ts";
import { PEEK_COLUMNS, type PeekRow, toQueuedTaskRun } from "../queued-task-run.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";

/** Peek: the next queued task runs of one queue, in the claim's order (`peekOrder`, from `claimOrder`). */
export function preparePeekQueue(db: SqliteDatabase) {
  const peek = db.prepare<{ queue: string; now: number; limit: number }, PeekRow>(
    `SELECT ${PEEK_COLUMNS}
       FROM task_runs t JOIN runs r ON r.id = t.run_id JOIN plans p ON p.id = r.plan_id
      WHERE t.status = 'ready' AND t.queue = @queue
      ORDER BY ${peekOrder("@now")}
      LIMIT @limit`,
  );
  return (queue: string, opts: { limit: number; now: number }): QueuedTaskRun[] =>
    peek.all({ queue, now: opts.now, limit: opts.limit }).map(toQueuedTaskRun);
}
