import { isTerminalRunStatus, NotFoundError, type RunStatus, type TaskRunStatus } from "@taskloom/core";
import { prepareEventWriter } from "./event-writer.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";
import { movableRow, type TaskRunTransitions } from "./task-run-transitions.ts";

/**
 * Cancel: records the request on the run, cancels every task run that is not executing, and ends the run at
 * once when nothing is executing. Running attempts are stopped by their worker (it sees the request on its
 * next heartbeat, or at once in-process) and recorded `cancelled` through the completion path. Idempotent.
 */
export function prepareRequestCancel(
  db: SqliteDatabase,
  transitions: TaskRunTransitions,
): (runId: string, now: number) => { status: RunStatus } {
  const writeEvent = prepareEventWriter(db);
  const findRun = db.prepare<[string], { status: RunStatus; cancel_requested_at: number | null }>(
    "SELECT status, cancel_requested_at FROM runs WHERE id = ?",
  );
  const markRequested = db.prepare("UPDATE runs SET cancel_requested_at = ? WHERE id = ?");
  const idle = db.prepare<[string], { id: number; task_key: string; status: TaskRunStatus; attempt: number }>(
    `SELECT id, task_key, status, attempt FROM task_runs
      WHERE run_id = ? AND status IN ('pending','ready','retrying','waiting')`,
  );

  const cancel = db.transaction((runId: string, now: number): { status: RunStatus } => {
    const run = findRun.get(runId);
    if (!run) throw new NotFoundError("run", runId);
    if (isTerminalRunStatus(run.status)) return { status: run.status };
    if (run.cancel_requested_at === null) {
      markRequested.run(now, runId);
      writeEvent({ type: "run.cancel_requested", runId, at: now });
    }
    for (const row of idle.all(runId)) {
      transitions.move(movableRow({ ...row, run_id: runId }, row.status), "cancelled", now, {
        reason: "cancelled",
        error: "run cancelled",
      });
    }
    return { status: transitions.finalizeRunIfDone(runId, now) ?? run.status };
  });

  return (runId, now) => cancel.immediate(runId, now);
}
