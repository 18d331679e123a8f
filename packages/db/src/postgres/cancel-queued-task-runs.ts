import type { QueuedSelection } from "@taskloom/core";
import { selectQueued } from "./queued-selection.ts";
import { blockDependents, finalizeRunIfDone, movableRow, moveTaskRuns } from "./task-run-transitions.ts";
import type { Queryable } from "./transaction.ts";

/**
 * Bulk cancel of queued task runs (the PostgreSQL twin of sqlite/cancel-queued-task-runs.ts): `ready →
 * cancelled` through the shared guarded move, then their pending dependents are blocked and each touched run
 * ends when nothing in it is open any more (its row locked, as every run finalization does).
 */
export async function cancelQueuedTaskRuns(
  client: Queryable,
  selection: QueuedSelection,
  now: number,
): Promise<number[]> {
  const rows = await selectQueued(client, selection);
  const queueOf = new Map(rows.map((row) => [row.id, row.queue]));
  const moved = await moveTaskRuns(
    client,
    rows.map((row) => movableRow(row, "ready")),
    "cancelled",
    now,
    (row) => ({ reason: "cancelled", error: `cancelled from queue ${queueOf.get(row.id)}` }),
  );
  for (const row of moved) await blockDependents(client, row.runId, row.id, row.taskKey, now);
  const runs = [...new Set(moved.map((row) => row.runId))].sort();
  for (const runId of runs) await finalizeRunIfDone(client, runId, now);
  return moved.map((row) => row.id);
}
