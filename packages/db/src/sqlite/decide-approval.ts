import {
  type ApprovalDecisionInput,
  type ApprovalDecisionResult,
  ApprovalNotWaitingError,
} from "@taskloom/core";
import { checkDecisionRow, DECISION_COLUMNS, type DecisionRow, decisionMove } from "../approval-rows.ts";
import { prepareEventWriter } from "./event-writer.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";
import { movableRow, type TaskRunTransitions } from "./task-run-transitions.ts";

/**
 * A decision on a waiting approval, in one IMMEDIATE transaction: the guarded move out of `waiting` (the
 * compare-and-set that makes a decision happen once), the form values as the output, the dependents released
 * (approve) or blocked (reject), the audit event and the run's end if nothing else is open.
 */
export function prepareDecideApproval(
  db: SqliteDatabase,
  transitions: TaskRunTransitions,
): (input: ApprovalDecisionInput) => ApprovalDecisionResult {
  const writeEvent = prepareEventWriter(db);
  const findTaskRun = db.prepare<[string, string], DecisionRow>(
    `SELECT ${DECISION_COLUMNS} FROM task_runs WHERE run_id = ? AND task_key = ?`,
  );
  const runExists = db.prepare<[string], { one: number }>("SELECT 1 AS one FROM runs WHERE id = ?");
  const setOutput = db.prepare<[string | null, string | null, number]>(
    "UPDATE task_runs SET output_text = ?, output_json = ?, exit_code = NULL WHERE id = ?",
  );

  const decide = db.transaction((input: ApprovalDecisionInput): ApprovalDecisionResult => {
    const found = findTaskRun.get(input.runId, input.taskKey);
    const row = checkDecisionRow(
      found,
      found !== undefined || runExists.get(input.runId) !== undefined,
      input,
    );
    const { to, fields, outputJson, values, event } = decisionMove(row, input);
    if (!transitions.move(movableRow(row, "waiting"), to, input.now, fields)) {
      throw new ApprovalNotWaitingError(input.taskKey, row.kind, row.status);
    }
    if (to === "succeeded") {
      setOutput.run(outputJson, outputJson, row.id);
      transitions.releaseDependents(row.run_id, [row.id], input.now);
    } else {
      transitions.blockDependents(row.run_id, row.id, row.task_key, input.now);
    }
    writeEvent(event);
    transitions.finalizeRunIfDone(row.run_id, input.now);
    return { taskRunId: row.id, status: to, values };
  });

  return (input) => decide.immediate(input);
}
