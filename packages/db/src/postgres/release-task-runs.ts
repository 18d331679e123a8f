import { movableRow, moveTaskRuns } from "./task-run-transitions.ts";
import type { Queryable } from "./transaction.ts";

/**
 * Release (the PostgreSQL twin of sqlite/release-task-runs.ts): a worker that stops gives its unfinished
 * claims back (`running → ready`). The attempt it had started is not counted (the attempt number goes back
 * and its attempt row is removed), because the task never got a fair try. Only rows it still holds change.
 */
export async function releaseTaskRuns(
  client: Queryable,
  workerId: string,
  taskRunIds: number[],
  now: number,
): Promise<number> {
  const { rows } = await client.query<{ id: number; run_id: string; task_key: string; attempt: number }>(
    `SELECT id, run_id, task_key, attempt FROM task_runs
      WHERE id = ANY($1::int[]) AND status = 'running' AND lease_owner = $2 ORDER BY id FOR NO KEY UPDATE`,
    [taskRunIds, workerId],
  );
  const released = await moveTaskRuns(
    client,
    rows.map((row) => movableRow(row, "running")),
    "ready",
    now,
    { uncount: true, data: { released: true, workerId } },
  );
  await client.query(
    `DELETE FROM task_attempts a USING unnest($1::int[], $2::int[]) AS r(id, attempt)
      WHERE a.task_run_id = r.id AND a.attempt = r.attempt`,
    [released.map((row) => row.id), released.map((row) => row.attempt)],
  );
  return released.length;
}
