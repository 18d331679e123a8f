import {
  checkTaskAction,
  NotFoundError,
  operatorActionData,
  renewedMaxAttempts,
  resolvedOutput,
  type TaskActionInput,
  type TaskDefinition,
  type TaskRunStatus,
} from "@taskloom/core";
import { operatorCancelError, type TaskActionRow } from "../task-action.ts";
import { prepareEventWriter } from "./event-writer.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";
import { movableRow, type TaskRunTransitions } from "./task-run-transitions.ts";

/**
 * Operator actions on one task run (resolve, skip, reset attempts, cancel), in one IMMEDIATE transaction:
 * core's `checkTaskAction` decides whether the state allows it, the status moves go through the transitions
 * (table check + event), and an `operator.action` event records who and why. See `OperatorStore` for what
 * each action does to the dependents and the run.
 */
export function prepareApplyTaskAction(
  db: SqliteDatabase,
  transitions: TaskRunTransitions,
): (input: TaskActionInput) => void {
  const writeEvent = prepareEventWriter(db);
  const findTaskRun = db.prepare<[string, string], TaskActionRow>(
    `SELECT t.id, t.run_id, t.task_key, t.status, t.attempt, t.spec_json, r.status AS run_status
       FROM task_runs t JOIN runs r ON r.id = t.run_id WHERE t.run_id = ? AND t.task_key = ?`,
  );
  const runExists = db.prepare<[string], { one: number }>("SELECT 1 AS one FROM runs WHERE id = ?");
  const setResolvedOutput = db.prepare(
    "UPDATE task_runs SET output_text = ?, output_json = ?, exit_code = NULL, output_from = 'operator' WHERE id = ?",
  );
  const setMaxAttempts = db.prepare<[number, number]>("UPDATE task_runs SET max_attempts = ? WHERE id = ?");
  const unstartedPoints = db.prepare<[number], Omit<TaskActionRow, "spec_json" | "run_status">>(
    `SELECT id, run_id, task_key, status, attempt FROM task_runs
      WHERE sweep_group_id = ? AND status IN ('pending', 'ready') ORDER BY point_index`,
  );
  const endRunningAttempt = db.prepare(
    `UPDATE task_attempts SET status = 'cancelled', finished_at = ?, error = ?, reason = 'cancelled'
      WHERE task_run_id = ? AND attempt = ? AND finished_at IS NULL`,
  );

  const apply = db.transaction((input: TaskActionInput) => {
    const { action, runId, taskKey, audit, now } = input;
    const row = findTaskRun.get(runId, taskKey);
    if (!row) {
      if (!runExists.get(runId)) throw new NotFoundError("run", runId);
      throw new NotFoundError("task", `${runId}/${taskKey}`);
    }
    const rule = checkTaskAction(action, { taskKey, taskStatus: row.status, runStatus: row.run_status });
    const definition = JSON.parse(row.spec_json) as TaskDefinition;
    const movable = movableRow(row, row.status);
    const details: Record<string, unknown> = {};
    let to: TaskRunStatus = row.status;
    switch (action) {
      case "resolve": {
        const output = resolvedOutput(taskKey, definition.output, input.output ?? null);
        setResolvedOutput.run(output.outputText, output.outputJson, row.id);
        to = "succeeded";
        transitions.move(movable, to, now, { reason: null, error: null, data: { operator: action } });
        // Everything cut off behind this task may go on, unless another failure still cuts it off.
        transitions.unblockDownstream(runId, row.id, now);
        transitions.releaseDependents(runId, [row.id], now);
        if (row.run_status === "failed")
          transitions.moveRun(runId, "failed", "running", now, { operator: action });
        details.output = output.outputText;
        break;
      }
      case "skip": {
        to = "skipped";
        transitions.move(movable, to, now, { data: { operator: action } });
        // A skipped sweep's points that have not started never run either (running ones finish).
        const points = unstartedPoints.all(row.id);
        for (const point of points) {
          transitions.move(movableRow(point, point.status), "skipped", now, { data: { operator: action } });
        }
        if (points.length > 0) details.points = points.length;
        transitions.releaseDependents(runId, [row.id], now);
        break;
      }
      case "reset-attempts": {
        const maxAttempts = renewedMaxAttempts(row.attempt, definition.retry);
        setMaxAttempts.run(maxAttempts, row.id);
        details.attempt = row.attempt;
        details.maxAttempts = maxAttempts;
        break;
      }
      case "cancel": {
        const error = operatorCancelError(audit.actor);
        to = "cancelled";
        transitions.move(movable, to, now, { reason: "cancelled", error, data: { operator: action } });
        if (row.status === "running") endRunningAttempt.run(now, error, row.id, row.attempt);
        transitions.blockDependents(runId, row.id, taskKey, now);
        break;
      }
    }
    writeEvent({
      type: "operator.action",
      runId,
      taskRunId: row.id,
      taskKey,
      from: row.status,
      to: rule.move === null ? null : to,
      data: operatorActionData(action, audit, details),
      at: now,
    });
    transitions.finalizeRunIfDone(runId, now);
  });

  return (input) => apply.immediate(input);
}
