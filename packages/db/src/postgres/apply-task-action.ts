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
import { writeEvents } from "./event-writer.ts";
import {
  blockDependents,
  finalizeRunIfDone,
  lockRun,
  movableRow,
  moveRun,
  moveTaskRuns,
  releaseDependents,
  unblockDownstream,
} from "./task-run-transitions.ts";
import { at, type Queryable } from "./transaction.ts";

/**
 * Operator actions on one task run, the PostgreSQL twin of sqlite/apply-task-action.ts: the run row is locked
 * for the whole change, core's `checkTaskAction` decides, the moves go through `moveTaskRuns` (table check +
 * event), and an `operator.action` event records who and why.
 */
export async function applyTaskAction(client: Queryable, input: TaskActionInput): Promise<void> {
  const { action, runId, taskKey, audit, now } = input;
  const run = await lockRun(client, runId);
  if (!run) throw new NotFoundError("run", runId);
  const { rows } = await client.query<TaskActionRow>(
    `SELECT t.id, t.run_id, t.task_key, t.status, t.attempt, t.spec_json, r.status AS run_status
       FROM task_runs t JOIN runs r ON r.id = t.run_id WHERE t.run_id = $1 AND t.task_key = $2
        FOR NO KEY UPDATE OF t`,
    [runId, taskKey],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError("task", `${runId}/${taskKey}`);
  const rule = checkTaskAction(action, { taskKey, taskStatus: row.status, runStatus: row.run_status });
  const definition = JSON.parse(row.spec_json) as TaskDefinition;
  const movable = [movableRow(row, row.status)];
  const details: Record<string, unknown> = {};
  let to: TaskRunStatus = row.status;
  switch (action) {
    case "resolve": {
      const output = resolvedOutput(taskKey, definition.output, input.output ?? null);
      await client.query(
        "UPDATE task_runs SET output_text = $2, output_json = $3, exit_code = NULL, output_from = 'operator' WHERE id = $1",
        [row.id, output.outputText, output.outputJson],
      );
      to = "succeeded";
      await moveTaskRuns(client, movable, to, now, { reason: null, error: null, data: { operator: action } });
      // Everything cut off behind this task may go on, unless another failure still cuts it off.
      await unblockDownstream(client, runId, row.id, now);
      await releaseDependents(client, runId, [row.id], now);
      if (run.status === "failed")
        await moveRun(client, runId, "failed", "running", now, { operator: action });
      details.output = output.outputText;
      break;
    }
    case "skip": {
      to = "skipped";
      await moveTaskRuns(client, movable, to, now, { data: { operator: action } });
      // A skipped sweep's points that have not started never run either (running ones finish).
      const { rows: points } = await client.query<Omit<TaskActionRow, "spec_json" | "run_status">>(
        `SELECT id, run_id, task_key, status, attempt FROM task_runs
          WHERE sweep_group_id = $1 AND status IN ('pending', 'ready') ORDER BY point_index FOR NO KEY UPDATE`,
        [row.id],
      );
      await moveTaskRuns(
        client,
        points.map((point) => movableRow(point, point.status)),
        "skipped",
        now,
        { data: { operator: action } },
      );
      if (points.length > 0) details.points = points.length;
      await releaseDependents(client, runId, [row.id], now);
      break;
    }
    case "reset-attempts": {
      const maxAttempts = renewedMaxAttempts(row.attempt, definition.retry);
      await client.query("UPDATE task_runs SET max_attempts = $2 WHERE id = $1", [row.id, maxAttempts]);
      details.attempt = row.attempt;
      details.maxAttempts = maxAttempts;
      break;
    }
    case "cancel": {
      const error = operatorCancelError(audit.actor);
      to = "cancelled";
      await moveTaskRuns(client, movable, to, now, {
        reason: "cancelled",
        error,
        data: { operator: action },
      });
      if (row.status === "running") {
        await client.query(
          `UPDATE task_attempts SET status = 'cancelled', finished_at = $3, error = $4, reason = 'cancelled'
            WHERE task_run_id = $1 AND attempt = $2 AND finished_at IS NULL`,
          [row.id, row.attempt, at(now), error],
        );
      }
      await blockDependents(client, runId, row.id, taskKey, now);
      break;
    }
  }
  await writeEvents(client, [
    {
      type: "operator.action",
      runId,
      taskRunId: row.id,
      taskKey,
      from: row.status,
      to: rule.move === null ? null : to,
      data: operatorActionData(action, audit, details),
      at: now,
    },
  ]);
  await finalizeRunIfDone(client, runId, now);
}
