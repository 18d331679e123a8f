import {
  type ApprovalDecisionInput,
  type ApprovalDecisionResult,
  ApprovalNotWaitingError,
} from "@taskloom/core";
import { checkDecisionRow, DECISION_COLUMNS, type DecisionRow, decisionMove } from "../approval-rows.ts";
import { writeEvents } from "./event-writer.ts";
import {
  blockDependents,
  finalizeRunIfDone,
  lockRun,
  movableRow,
  moveTaskRuns,
  releaseDependents,
} from "./task-run-transitions.ts";
import type { Queryable } from "./transaction.ts";

/**
 * A decision on a waiting approval, the PostgreSQL twin of sqlite/decide-approval.ts: the run row is locked
 * (as for operator actions), then the task run; the move is guarded by `status = 'waiting'`, so of a person
 * and the timeout (or two workers' timeout systems) deciding at once exactly one moves it, and the others
 * get `ApprovalNotWaitingError`.
 */
export async function decideApproval(
  client: Queryable,
  input: ApprovalDecisionInput,
): Promise<ApprovalDecisionResult> {
  const run = await lockRun(client, input.runId);
  const { rows } = await client.query<DecisionRow>(
    `SELECT ${DECISION_COLUMNS} FROM task_runs WHERE run_id = $1 AND task_key = $2
      FOR NO KEY UPDATE`,
    [input.runId, input.taskKey],
  );
  const row = checkDecisionRow(rows[0], run !== null, input);
  const { to, fields, outputJson, values, event } = decisionMove(row, input);
  const moved = await moveTaskRuns(client, [movableRow(row, "waiting")], to, input.now, fields);
  if (moved.length === 0) throw new ApprovalNotWaitingError(input.taskKey, row.kind, row.status);
  if (to === "succeeded") {
    await client.query(
      "UPDATE task_runs SET output_text = $2, output_json = $2, exit_code = NULL WHERE id = $1",
      [row.id, outputJson],
    );
    await releaseDependents(client, row.run_id, [row.id], input.now);
  } else {
    await blockDependents(client, row.run_id, row.id, row.task_key, input.now);
  }
  await writeEvents(client, [event]);
  await finalizeRunIfDone(client, row.run_id, input.now);
  return { taskRunId: row.id, status: to, values };
}
