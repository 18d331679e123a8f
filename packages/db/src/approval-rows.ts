import {
  type ApprovalDecisionInput,
  ApprovalNotWaitingError,
  type ApprovalValues,
  approvalDeadline,
  approvalDecidedData,
  approvalSpecOf,
  decisionOutcome,
  NotFoundError,
  type TaskDefinition,
  type TaskRunStatus,
  type WaitingApproval,
} from "@taskloom/core";
import type { EventInput } from "./sqlite/event-writer.ts";
import type { MoveFields } from "./task-run-move.ts";

/**
 * What both stores' approval operations share: the rows they select (snake_case), the checks before a
 * decision, the move's fields and the audit event. Only the SQL differs between the providers.
 */

/** The SELECT list of `WaitingApprovalRow` (task run `t`, plan `p`). */
export const WAITING_APPROVAL_COLUMNS =
  "t.id, t.run_id, t.task_key, t.spec_json, t.available_at, p.slug AS plan_slug, p.name AS plan_name";

export interface WaitingApprovalRow {
  id: number;
  run_id: string;
  task_key: string;
  spec_json: string;
  /** When it became runnable, i.e. started waiting (epoch ms on SQLite, a Date on PostgreSQL). */
  available_at: number | Date;
  plan_slug: string;
  plan_name: string;
}

export function waitingApprovalOf(row: WaitingApprovalRow): WaitingApproval {
  const definition = JSON.parse(row.spec_json) as TaskDefinition;
  const waitingSince = typeof row.available_at === "number" ? row.available_at : row.available_at.getTime();
  const spec = approvalSpecOf(definition);
  // Only readiness parks a task run, and only an approval's: anything else waiting is a corrupt row.
  if (spec === null) throw new Error(`task run ${row.id} is waiting but is a ${definition.kind} task`);
  return {
    taskRunId: row.id,
    runId: row.run_id,
    planSlug: row.plan_slug,
    planName: row.plan_name,
    taskKey: row.task_key,
    taskName: definition.name,
    prompt: spec.prompt,
    description: spec.description,
    form: spec.form,
    waitingSince,
    deadline: approvalDeadline(spec, waitingSince),
    onTimeout: spec.onTimeout,
  };
}

/** The SELECT list of `DecisionRow`. */
export const DECISION_COLUMNS = "id, run_id, task_key, kind, status, attempt, spec_json";

/** A task run as a decision selects it. */
export interface DecisionRow {
  id: number;
  run_id: string;
  task_key: string;
  kind: string;
  status: TaskRunStatus;
  attempt: number;
  spec_json: string;
}

/**
 * The decision's target, checked: it exists and is a waiting approval.
 * @throws NotFoundError (no such run or task), ApprovalNotWaitingError.
 */
export function checkDecisionRow(
  row: DecisionRow | undefined,
  runExists: boolean,
  input: Pick<ApprovalDecisionInput, "runId" | "taskKey">,
): DecisionRow {
  if (!row) {
    if (!runExists) throw new NotFoundError("run", input.runId);
    throw new NotFoundError("task", `${input.runId}/${input.taskKey}`);
  }
  if (row.kind !== "approval" || row.status !== "waiting") {
    throw new ApprovalNotWaitingError(input.taskKey, row.kind, row.status);
  }
  return row;
}

/** What a decision writes: the move, its fields, the stored output and the audit event. */
export interface DecisionWrite {
  to: "succeeded" | "failed";
  fields: MoveFields;
  outputJson: string | null;
  values: ApprovalValues | null;
  event: EventInput;
}

/**
 * The decision as a move (`approve` → succeeded, `reject` → failed), with the values checked against the
 * row's frozen form.
 * @throws ApprovalInputError when approving with values that break the form.
 */
export function decisionMove(row: DecisionRow, input: ApprovalDecisionInput): DecisionWrite {
  const spec = approvalSpecOf(JSON.parse(row.spec_json) as TaskDefinition);
  if (spec === null) throw new ApprovalNotWaitingError(input.taskKey, row.kind, row.status);
  const outcome = decisionOutcome(spec, row.task_key, input);
  const data = {
    decision: input.decision,
    actor: input.actor,
    ...(input.timedOut ? { timedOut: true } : {}),
  };
  const to = input.decision === "approve" ? "succeeded" : "failed";
  const fields: MoveFields =
    to === "succeeded"
      ? { reason: null, error: null, data }
      : { reason: "rejected", error: outcome.error, data };
  const event: EventInput = {
    type: "operator.action",
    runId: row.run_id,
    taskRunId: row.id,
    taskKey: row.task_key,
    from: "waiting",
    to,
    data: approvalDecidedData(input, outcome.values),
    at: input.now,
  };
  return { to, fields, outputJson: outcome.outputJson, values: outcome.values, event };
}
