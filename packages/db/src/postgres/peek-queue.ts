import type { QueuedTaskRun } from "@taskloom/core";
import { peekOrder } from "../claim-order.ts";
import { PEEK_COLUMNS, type PeekRow, toQueuedTaskRun } from "../queued-task-run.ts";
import { at, type Queryable } from "./transaction.ts";

/** Peek (the PostgreSQL twin of sqlite/peek-queue.ts): the next queued task runs of one queue, in claim order. */
export async function peekQueue(
  client: Queryable,
  queue: string,
  opts: { limit: number; now: number },
): Promise<QueuedTaskRun[]> {
  const { rows } = await client.query<PeekRow>(
    `SELECT ${PEEK_COLUMNS}
       FROM task_runs t JOIN runs r ON r.id = t.run_id JOIN plans p ON p.id = r.plan_id
      WHERE t.status = 'ready' AND t.queue = $1
      ORDER BY ${peekOrder("$2::timestamptz")}
      LIMIT $3`,
    [queue, at(opts.now), opts.limit],
  );
  return rows.map(toQueuedTaskRun);
}
