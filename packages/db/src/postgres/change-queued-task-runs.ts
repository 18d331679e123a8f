import type { QueuedSelection } from "@taskloom/core";
import { type EventInput, writeEvents } from "./event-writer.ts";
import { type QueuedRow, selectQueued } from "./queued-selection.ts";
import { at, type Queryable } from "./transaction.ts";

/**
 * Queue admin changes that keep a task run queued (the PostgreSQL twin of sqlite/change-queued-task-runs.ts):
 * the selected rows are locked, changed in one guarded UPDATE (`status = 'ready'`, so a row claimed meanwhile
 * is left alone), and each changed row gets its event.
 */
async function changeQueued(
  client: Queryable,
  selection: QueuedSelection,
  now: number,
  update: { sql: string; value: unknown; skip?: (row: QueuedRow) => boolean },
  eventOf: (row: QueuedRow) => Omit<EventInput, "at" | "runId" | "taskRunId" | "taskKey">,
): Promise<number[]> {
  const rows = (await selectQueued(client, selection)).filter((row) => !update.skip?.(row));
  if (rows.length === 0) return [];
  const { rows: changed } = await client.query<{ id: number }>(
    `UPDATE task_runs SET ${update.sql} WHERE id = ANY($2::int[]) AND status = 'ready' RETURNING id`,
    [update.value, rows.map((row) => row.id)],
  );
  const ids = new Set(changed.map((row) => row.id));
  const done = rows.filter((row) => ids.has(row.id));
  await writeEvents(
    client,
    done.map((row) => ({
      ...eventOf(row),
      runId: row.run_id,
      taskRunId: row.id,
      taskKey: row.task_key,
      at: now,
    })),
  );
  return done.map((row) => row.id);
}

export function moveQueuedTaskRuns(
  client: Queryable,
  selection: QueuedSelection,
  toQueue: string,
  now: number,
): Promise<number[]> {
  return changeQueued(
    client,
    selection,
    now,
    { sql: "queue = $1", value: toQueue, skip: (row) => row.queue === toQueue },
    (row) => ({ type: "task_run.queue_changed", data: { from: row.queue, to: toQueue } }),
  );
}

export function rescheduleQueuedTaskRuns(
  client: Queryable,
  selection: QueuedSelection,
  notBefore: number | null,
  now: number,
): Promise<number[]> {
  return changeQueued(
    client,
    selection,
    now,
    { sql: "not_before = $1::timestamptz", value: notBefore === null ? null : at(notBefore) },
    (row) => ({ type: "task_run.rescheduled", data: { queue: row.queue, notBefore } }),
  );
}
