import type { QueuedSelection } from "@taskloom/core";
import { type EventInput, prepareEventWriter } from "./event-writer.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";
import { type QueuedRow, SELECT_QUEUED, selectionParams } from "./queued-selection.ts";

/**
 * Queue admin changes that keep a task run queued: move to another queue, reschedule (not claimable before a
 * time). One IMMEDIATE transaction each: the selected rows are read and changed under SQLite's one writer, so
 * a claim never sees half of it, and each changed row gets its event.
 */
export function prepareChangeQueuedTaskRuns(db: SqliteDatabase) {
  const writeEvent = prepareEventWriter(db);
  const select = db.prepare<ReturnType<typeof selectionParams>, QueuedRow>(SELECT_QUEUED);
  const setQueue = db.prepare("UPDATE task_runs SET queue = ? WHERE id = ? AND status = 'ready'");
  const setNotBefore = db.prepare("UPDATE task_runs SET not_before = ? WHERE id = ? AND status = 'ready'");

  /** Applies `change` to each selected row; `change` returns the row's event, or null when it changed nothing. */
  function changeEach(change: (row: QueuedRow) => Omit<EventInput, "at"> | null) {
    return db.transaction((selection: QueuedSelection, now: number): number[] => {
      const changed: number[] = [];
      for (const row of select.all(selectionParams(selection))) {
        const event = change(row);
        if (event === null) continue;
        writeEvent({ ...event, at: now });
        changed.push(row.id);
      }
      return changed;
    });
  }
  const eventOf = (row: QueuedRow, type: EventInput["type"], data: Record<string, unknown>) => ({
    type,
    runId: row.run_id,
    taskRunId: row.id,
    taskKey: row.task_key,
    data,
  });

  return {
    move(selection: QueuedSelection, toQueue: string, now: number): number[] {
      const move = changeEach((row) => {
        if (row.queue === toQueue) return null;
        setQueue.run(toQueue, row.id);
        return eventOf(row, "task_run.queue_changed", { from: row.queue, to: toQueue });
      });
      return move.immediate(selection, now);
    },
    reschedule(selection: QueuedSelection, notBefore: number | null, now: number): number[] {
      const reschedule = changeEach((row) => {
        setNotBefore.run(notBefore, row.id);
        return eventOf(row, "task_run.rescheduled", { queue: row.queue, notBefore });
      });
      return reschedule.immediate(selection, now);
    },
  };
}
