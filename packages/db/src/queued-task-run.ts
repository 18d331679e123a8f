import type { QueuedTaskRun } from "@taskloom/core";
import { keyRunning } from "./claim-order.ts";

/** A row of the queue peek (`sqlite/peek-queue.ts`, `postgres/peek-queue.ts`). */
export interface PeekRow {
  id: number;
  run_id: string;
  plan_slug: string;
  task_key: string;
  queue: string;
  priority: number;
  ready_at: number | Date;
  not_before: number | Date | null;
  concurrency_key: string | null;
  concurrency_limit: number | null;
  concurrency_running: number | null;
}

/** The peek's columns, the same text on both providers. */
export const PEEK_COLUMNS = `t.id, t.run_id, p.slug AS plan_slug, t.task_key, t.queue, t.priority,
  t.available_at AS ready_at, t.not_before, t.concurrency_key, t.concurrency_limit,
  CASE WHEN t.concurrency_key IS NULL THEN NULL ELSE ${keyRunning()} END AS concurrency_running`;

/** A peek row as the port returns it (times as epoch ms on both providers). */
export function toQueuedTaskRun(row: PeekRow): QueuedTaskRun {
  const ms = (value: number | Date) => (value instanceof Date ? value.getTime() : value);
  return {
    id: row.id,
    runId: row.run_id,
    planSlug: row.plan_slug,
    taskKey: row.task_key,
    queue: row.queue,
    priority: row.priority,
    readyAt: ms(row.ready_at),
    notBefore: row.not_before === null ? null : ms(row.not_before),
    concurrencyKey: row.concurrency_key,
    concurrencyLimit: row.concurrency_limit,
    concurrencyRunning: row.concurrency_running === null ? null : Number(row.concurrency_running),
  };
}
