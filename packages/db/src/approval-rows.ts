import {
  type ApprovalDecisionInput,
  ApprovalNotWaitingError,
  approvalDeadline,
  approvalDecidedData,
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
  const spec =
    definition.spec.kind === "approval"
      ? definition.spec
      : { prompt: null, description: null, form: null, timeoutMs: null, onTimeout: "reject" as const };
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
    deadline: definition.spec.kind === "approval" ? approvalDeadline(definition.spec, waitingSince) : null,
    onTimeout: spec.onTimeout,
  };
}

/** A task run as a decision selects it. */
export interface DecisionRow {
  id: number;
  run_id: string;
  task_key: string;
  kind: string;
  status: TaskRunStatus;
  attempt: number;
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

/** The decision as a move (`approve` → succeeded, `reject` → failed) with its fields and stored output. */
export function decisionMove(input: ApprovalDecisionInput): {
  to: "succeeded" | "failed";
  fields: MoveFields;
  outputJson: string | null;
} {
  const outcome = decisionOutcome(input);
  const data = {
    decision: input.decision,
    actor: input.actor,
    ...(input.timedOut ? { timedOut: true } : {}),
  };
  return input.decision === "approve"
    ? { to: "succeeded", fields: { reason: null, error: null, data }, outputJson: outcome.outputJson }
    : { to: "failed", fields: { reason: "rejected", error: outcome.error, data }, outputJson: null };
}

/** The decision's `operator.action` event (the run's audit trail). */
export function decisionEvent(row: DecisionRow, to: TaskRunStatus, input: ApprovalDecisionInput): EventInput {
  return {
    type: "operator.action",
    runId: row.run_id,
    taskRunId: row.id,
    taskKey: row.task_key,
    from: "waiting",
    to,
    data: approvalDecidedData(input),
    at: input.now,
  };
}
