import type { RunReuse, TaskRunStatus } from "@taskloom/core";
import type { ReuseSourceRow } from "../task-action.ts";
import {
  checkReuseSources,
  movableRow,
  rerunEvents,
  rerunSkipFields,
  reuseMoveFields,
} from "../task-run-move.ts";
import { prepareEventWriter } from "./event-writer.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";
import type { TaskRunTransitions } from "./task-run-transitions.ts";

/**
 * The part of creating a rerun that takes outputs from the source run, inside createRun's transaction (no
 * worker can claim the new run's task runs before they are settled): each reused task run gets the source's
 * output and goes `succeeded` (move `reuse`, its event pointing at the source task run), then their dependents
 * are released as after a success, and both runs get an `operator.action` event.
 */
export function prepareReuseOutputs(
  db: SqliteDatabase,
  transitions: TaskRunTransitions,
): (runId: string, reuse: RunReuse, now: number) => void {
  const writeEvent = prepareEventWriter(db);
  const sources = db.prepare<[string, string, string], ReuseSourceRow>(
    `SELECT n.task_key, s.id AS source_id, s.status AS source_status, s.output_text, s.output_json, s.exit_code,
            n.id, n.status, n.attempt
       FROM task_runs n LEFT JOIN task_runs s ON s.run_id = ? AND s.task_key = n.task_key
      WHERE n.run_id = ? AND n.task_key IN (SELECT value FROM json_each(?))`,
  );
  // The points of reused sweep groups, with the source run's point of the same key.
  const pointSources = db.prepare<[string, string], ReuseSourceRow>(
    `SELECT n.task_key, s.id AS source_id, s.status AS source_status, s.output_text, s.output_json, s.exit_code,
            n.id, n.status, n.attempt
       FROM task_runs n LEFT JOIN task_runs s ON s.run_id = ? AND s.task_key = n.task_key
      WHERE n.sweep_group_id IN (SELECT value FROM json_each(?)) ORDER BY n.id`,
  );
  const copyOutput = db.prepare(
    `UPDATE task_runs SET output_text = ?, output_json = ?, exit_code = ?, output_from = 'reuse',
            output_from_run_id = ?
      WHERE id = ?`,
  );
  const skippable = db.prepare<
    [string, string],
    { id: number; task_key: string; status: TaskRunStatus; attempt: number }
  >(
    `SELECT id, task_key, status, attempt FROM task_runs
      WHERE run_id = ? AND task_key IN (SELECT value FROM json_each(?)) ORDER BY id`,
  );
  return (runId, reuse, now) => {
    const rows = checkReuseSources(
      reuse,
      sources.all(reuse.sourceRunId, runId, JSON.stringify(reuse.taskKeys)),
    );
    for (const row of rows) {
      copyOutput.run(row.output_text, row.output_json, row.exit_code, reuse.sourceRunId, row.id);
      transitions.move(
        movableRow({ ...row, run_id: runId }, row.status),
        "succeeded",
        now,
        reuseMoveFields(reuse, row),
      );
    }
    // A reused sweep's points take their source points' outputs (or are skipped): none runs again.
    const groups = JSON.stringify(rows.map((row) => row.id));
    for (const point of pointSources.all(reuse.sourceRunId, groups)) {
      const movable = movableRow({ ...point, run_id: runId }, point.status);
      if (point.source_status !== "succeeded") {
        transitions.move(movable, "skipped", now, { data: { operator: reuse.action ?? "rerun" } });
        continue;
      }
      copyOutput.run(point.output_text, point.output_json, point.exit_code, reuse.sourceRunId, point.id);
      transitions.move(movable, "succeeded", now, reuseMoveFields(reuse, point));
    }
    const skipped = skippable.all(runId, JSON.stringify(reuse.skipTaskKeys ?? []));
    for (const row of skipped) {
      transitions.move(
        movableRow({ ...row, run_id: runId }, row.status),
        "skipped",
        now,
        rerunSkipFields(reuse),
      );
    }
    transitions.releaseDependents(
      runId,
      [...rows, ...skipped].map((row) => row.id),
      now,
    );
    for (const event of rerunEvents(runId, reuse, now)) writeEvent(event);
  };
}
