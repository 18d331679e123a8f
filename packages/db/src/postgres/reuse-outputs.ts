import type { RunReuse, TaskRunStatus } from "@taskloom/core";
import type { ReuseSourceRow } from "../task-action.ts";
import {
  checkReuseSources,
  movableRow,
  rerunEvents,
  rerunSkipFields,
  reuseMoveFields,
} from "../task-run-move.ts";
import { writeEvents } from "./event-writer.ts";
import { reuseSweepPoints } from "./sweep-groups.ts";
import { moveTaskRuns, releaseDependents } from "./task-run-transitions.ts";
import type { Queryable } from "./transaction.ts";

/**
 * The part of creating a rerun that takes outputs from the source run (the twin of sqlite/reuse-outputs.ts),
 * inside createRun's transaction: reused task runs get the source's output and go `succeeded` (move `reuse`),
 * their dependents are released, and both runs get an `operator.action` event.
 */
export async function reuseOutputs(
  client: Queryable,
  runId: string,
  reuse: RunReuse,
  now: number,
): Promise<void> {
  const { rows } = await client.query<ReuseSourceRow>(
    `SELECT n.task_key, s.id AS source_id, s.status AS source_status, s.output_text, s.output_json, s.exit_code,
            n.id, n.status, n.attempt
       FROM task_runs n LEFT JOIN task_runs s ON s.run_id = $1 AND s.task_key = n.task_key
      WHERE n.run_id = $2 AND n.task_key = ANY($3::text[])
      ORDER BY n.id`,
    [reuse.sourceRunId, runId, reuse.taskKeys],
  );
  const reused = checkReuseSources(reuse, rows).sort((a, b) => a.id - b.id);
  if (reused.length > 0) {
    await client.query(
      `UPDATE task_runs t SET output_text = s.output_text, output_json = s.output_json, exit_code = s.exit_code,
              output_from = 'reuse', output_from_run_id = $1
         FROM task_runs s
        WHERE t.id = ANY($2::int[]) AND s.run_id = $1 AND s.task_key = t.task_key`,
      [reuse.sourceRunId, reused.map((row) => row.id)],
    );
  }
  const bySource = new Map(reused.map((row) => [row.id, row]));
  await moveTaskRuns(
    client,
    reused.map((row) => movableRow({ ...row, run_id: runId }, row.status)),
    "succeeded",
    now,
    (row) => reuseMoveFields(reuse, bySource.get(row.id) as ReuseSourceRow),
  );
  await reuseSweepPoints(
    client,
    runId,
    reuse,
    reused.map((row) => row.id),
    now,
    (row, to, at, fields) => moveTaskRuns(client, [row], to, at, fields),
  );
  const { rows: skipped } = await client.query<{
    id: number;
    task_key: string;
    status: TaskRunStatus;
    attempt: number;
  }>(
    `SELECT id, task_key, status, attempt FROM task_runs WHERE run_id = $1 AND task_key = ANY($2::text[]) ORDER BY id`,
    [runId, reuse.skipTaskKeys ?? []],
  );
  await moveTaskRuns(
    client,
    skipped.map((row) => movableRow({ ...row, run_id: runId }, row.status)),
    "skipped",
    now,
    rerunSkipFields(reuse),
  );
  await releaseDependents(
    client,
    runId,
    [...reused, ...skipped].map((row) => row.id),
    now,
  );
  await writeEvents(client, rerunEvents(runId, reuse, now));
}
