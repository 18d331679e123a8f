import {
  IllegalTransitionError,
  NotFoundError,
  renewedMaxAttempts,
  type TaskDefinition,
  type TaskRunStatus,
} from "@taskloom/core";
import { blockDependents, lockRun, movableRow, moveRun, moveTaskRuns } from "./task-run-transitions.ts";
import type { Queryable } from "./transaction.ts";

/**
 * Operator retry of a failed task run (the PostgreSQL twin of sqlite/retry-task-run.ts): it goes back to
 * `ready` with a fresh retry budget, the dependents it had blocked go back to `pending`, and a failed run
 * re-opens. Dependents still cut off by another failed task are blocked again by that task, so the run can
 * always finish. The run row is locked for the whole change.
 */
export async function retryTaskRun(
  client: Queryable,
  runId: string,
  taskKey: string,
  now: number,
): Promise<void> {
  const run = await lockRun(client, runId);
  if (!run) throw new NotFoundError("run", runId);
  const { rows } = await client.query<{
    id: number;
    status: TaskRunStatus;
    attempt: number;
    spec_json: string;
  }>("SELECT id, status, attempt, spec_json FROM task_runs WHERE run_id = $1 AND task_key = $2", [
    runId,
    taskKey,
  ]);
  const row = rows[0];
  if (!row) throw new NotFoundError("task", `${runId}/${taskKey}`);
  if (row.status !== "failed") {
    throw new IllegalTransitionError("task_run", row.status, "ready", "only a failed task can be retried");
  }
  if (run.status === "cancelled") {
    throw new IllegalTransitionError("run", run.status, "running", "a cancelled run cannot be resumed");
  }
  const definition = JSON.parse(row.spec_json) as TaskDefinition;
  await moveTaskRuns(
    client,
    [{ id: row.id, runId, taskKey, status: "failed", attempt: row.attempt }],
    "ready",
    now,
    {
      reason: null,
      error: null,
      maxAttempts: renewedMaxAttempts(row.attempt, definition.retry),
      data: { operator: "retry" },
    },
  );
  const { rows: blocked } = await client.query<{ id: number; task_key: string; attempt: number }>(
    `WITH RECURSIVE downstream(id) AS (
        SELECT to_id FROM task_run_dependencies WHERE from_id = $1
        UNION
        SELECT d.to_id FROM task_run_dependencies d JOIN downstream ON d.from_id = downstream.id
      )
      SELECT id, task_key, attempt FROM task_runs WHERE id IN (SELECT id FROM downstream) AND status = 'blocked' ORDER BY id`,
    [row.id],
  );
  await moveTaskRuns(
    client,
    blocked.map((b) => movableRow({ ...b, run_id: runId }, "blocked")),
    "pending",
    now,
    { reason: null, error: null },
  );
  const { rows: failures } = await client.query<{ id: number; task_key: string }>(
    "SELECT id, task_key FROM task_runs WHERE run_id = $1 AND status = 'failed' AND id <> $2 ORDER BY id",
    [runId, row.id],
  );
  for (const failed of failures) await blockDependents(client, runId, failed.id, failed.task_key, now);
  if (run.status === "failed") await moveRun(client, runId, "failed", "running", now, { operator: "retry" });
}
