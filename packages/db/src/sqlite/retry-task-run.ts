import {
  IllegalTransitionError,
  NotFoundError,
  type RunStatus,
  renewedMaxAttempts,
  type TaskDefinition,
  type TaskRunStatus,
} from "@taskloom/core";
import type { SqliteDatabase } from "./open-sqlite-database.ts";
import { movableRow, type TaskRunTransitions } from "./task-run-transitions.ts";

/**
 * Operator retry of a failed task run: it goes back to `ready` with a fresh retry budget
 * (`renewedMaxAttempts` in core), the dependents it
 * had blocked go back to `pending`, and a failed run re-opens. Dependents that are still cut off by another
 * failed task are blocked again by that task, so the run can always finish.
 */
export function prepareRetryTaskRun(
  db: SqliteDatabase,
  transitions: TaskRunTransitions,
): (runId: string, taskKey: string, now: number) => void {
  const findRun = db.prepare<[string], { status: RunStatus }>("SELECT status FROM runs WHERE id = ?");
  const findTaskRun = db.prepare<
    [string, string],
    { id: number; status: TaskRunStatus; attempt: number; spec_json: string }
  >("SELECT id, status, attempt, spec_json FROM task_runs WHERE run_id = ? AND task_key = ?");
  const blockedDownstream = db.prepare<[number], { id: number; task_key: string; attempt: number }>(
    `WITH RECURSIVE downstream(id) AS (
        SELECT to_id FROM task_run_dependencies WHERE from_id = ?
        UNION
        SELECT d.to_id FROM task_run_dependencies d JOIN downstream ON d.from_id = downstream.id
      )
      SELECT id, task_key, attempt FROM task_runs WHERE id IN (SELECT id FROM downstream) AND status = 'blocked'`,
  );
  const otherFailures = db.prepare<[string, number], { id: number; task_key: string }>(
    "SELECT id, task_key FROM task_runs WHERE run_id = ? AND status = 'failed' AND id <> ?",
  );

  const retry = db.transaction((runId: string, taskKey: string, now: number) => {
    const run = findRun.get(runId);
    if (!run) throw new NotFoundError("run", runId);
    const row = findTaskRun.get(runId, taskKey);
    if (!row) throw new NotFoundError("task", `${runId}/${taskKey}`);
    if (row.status !== "failed") {
      throw new IllegalTransitionError("task_run", row.status, "ready", "only a failed task can be retried");
    }
    if (run.status === "cancelled") {
      throw new IllegalTransitionError("run", run.status, "running", "a cancelled run cannot be resumed");
    }
    const definition = JSON.parse(row.spec_json) as TaskDefinition;
    transitions.move({ id: row.id, runId, taskKey, status: "failed", attempt: row.attempt }, "ready", now, {
      reason: null,
      error: null,
      maxAttempts: renewedMaxAttempts(row.attempt, definition.retry),
      data: { operator: "retry" },
    });
    for (const blocked of blockedDownstream.all(row.id)) {
      transitions.move(movableRow({ ...blocked, run_id: runId }, "blocked"), "pending", now, {
        reason: null,
        error: null,
      });
    }
    for (const failed of otherFailures.all(runId, row.id)) {
      transitions.blockDependents(runId, failed.id, failed.task_key, now);
    }
    if (run.status === "failed") transitions.moveRun(runId, "failed", "running", now, { operator: "retry" });
  });

  return (runId, taskKey, now) => retry.immediate(runId, taskKey, now);
}
