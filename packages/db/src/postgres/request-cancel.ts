import { isTerminalRunStatus, NotFoundError, type RunStatus } from "@taskloom/core";
import type { TaskRunStateRow } from "../task-run-move.ts";
import { writeEvents } from "./event-writer.ts";
import { finalizeRunIfDone, lockRun, movableRow, moveTaskRuns } from "./task-run-transitions.ts";
import { at, type Queryable } from "./transaction.ts";

/**
 * Cancel (the PostgreSQL twin of sqlite/request-cancel.ts): records the request on the run, cancels every task
 * run that is not executing, and ends the run at once when nothing is executing. Running attempts are stopped
 * by their worker and recorded `cancelled` through the completion path. Idempotent. The run row stays locked
 * to the end, so a completion ending the run at the same time waits and then sees the cancel.
 */
export async function requestCancel(
  client: Queryable,
  runId: string,
  now: number,
): Promise<{ status: RunStatus }> {
  const run = await lockRun(client, runId);
  if (!run) throw new NotFoundError("run", runId);
  if (isTerminalRunStatus(run.status)) return { status: run.status };
  if (!run.cancelRequested) {
    await client.query("UPDATE runs SET cancel_requested_at = $1 WHERE id = $2", [at(now), runId]);
    await writeEvents(client, [{ type: "run.cancel_requested", runId, at: now }]);
  }
  const { rows } = await client.query<Pick<TaskRunStateRow, "id" | "task_key" | "status" | "attempt">>(
    "SELECT id, task_key, status, attempt FROM task_runs WHERE run_id = $1 AND status IN ('pending','ready','retrying','waiting') ORDER BY status COLLATE \"C\", priority DESC, id",
    [runId],
  );
  await moveTaskRuns(
    client,
    rows.map((row) => movableRow({ ...row, run_id: runId }, row.status)),
    "cancelled",
    now,
    { reason: "cancelled", error: "run cancelled" },
  );
  return { status: (await finalizeRunIfDone(client, runId, now)) ?? run.status };
}
