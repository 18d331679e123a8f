import type { QueuedSelection } from "@taskloom/core";
import type { SqliteDatabase } from "./open-sqlite-database.ts";
import { type QueuedRow, SELECT_QUEUED, selectionParams } from "./queued-selection.ts";
import { movableRow, type TaskRunTransitions } from "./task-run-transitions.ts";

/**
 * Bulk cancel of queued task runs (`ready → cancelled`, reason `cancelled`), in one IMMEDIATE transaction:
 * each goes through the shared transition (table check, event), its pending dependents are blocked (they can
 * never become ready now), and each touched run ends when nothing in it is open any more.
 */
export function prepareCancelQueuedTaskRuns(db: SqliteDatabase, transitions: TaskRunTransitions) {
  const select = db.prepare<ReturnType<typeof selectionParams>, QueuedRow>(SELECT_QUEUED);
  const cancel = db.transaction((selection: QueuedSelection, now: number): number[] => {
    const cancelled: number[] = [];
    const runs = new Set<string>();
    for (const row of select.all(selectionParams(selection))) {
      const moved = transitions.move(movableRow(row, "ready"), "cancelled", now, {
        reason: "cancelled",
        error: `cancelled from queue ${row.queue}`,
      });
      if (!moved) continue;
      transitions.blockDependents(row.run_id, row.id, row.task_key, now);
      cancelled.push(row.id);
      runs.add(row.run_id);
    }
    for (const runId of runs) transitions.finalizeRunIfDone(runId, now);
    return cancelled;
  });
  return (selection: QueuedSelection, now: number) => cancel.immediate(selection, now);
}
