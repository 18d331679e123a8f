import type { SqliteDatabase } from "./open-sqlite-database.ts";
import { movableRow, type TaskRunTransitions } from "./task-run-transitions.ts";

/**
 * Release: a worker that stops gives its unfinished claims back (`running → ready`). The attempt it had
 * started is not counted (the attempt number goes back and its attempt row is removed), because the task
 * never got a fair try.
 */
export function prepareReleaseTaskRuns(
  db: SqliteDatabase,
  transitions: TaskRunTransitions,
): (workerId: string, taskRunIds: number[], now: number) => void {
  const held = db.prepare<
    [string, string],
    { id: number; run_id: string; task_key: string; attempt: number }
  >(
    `SELECT id, run_id, task_key, attempt FROM task_runs
      WHERE id IN (SELECT value FROM json_each(?)) AND status = 'running' AND lease_owner = ?`,
  );
  const dropAttempt = db.prepare("DELETE FROM task_attempts WHERE task_run_id = ? AND attempt = ?");
  const release = db.transaction((workerId: string, taskRunIds: number[], now: number) => {
    for (const row of held.all(JSON.stringify(taskRunIds), workerId)) {
      transitions.move(movableRow(row, "running"), "ready", now, {
        uncount: true,
        data: { released: true, workerId },
      });
      dropAttempt.run(row.id, row.attempt);
    }
  });
  return (workerId, taskRunIds, now) => {
    if (taskRunIds.length > 0) release.immediate(workerId, taskRunIds, now);
  };
}
