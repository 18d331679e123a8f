import { type ApprovalForm, type ApprovalValues, checkApprovalValues } from "./approval-form.ts";
import { TaskloomError } from "./errors.ts";
import { operatorActionData } from "./operator-actions.ts";
import type { ApprovalSpec, TaskDefinition, TaskRunStatus } from "./types.ts";

/**
 * Approval tasks: the rules every store and client shares. An approval task run is parked `waiting` when it
 * becomes runnable (no lease, no worker slot, not in any queue's depth) until a decision moves it: approve →
 * `succeeded` with the form values as its JSON output, reject → `failed` with reason `rejected` (its
 * dependents are blocked as after any failure). A decision is made once: the stores apply it with a guarded
 * move from `waiting`, so a person and the timeout (or two people) racing get one winner, and the others an
 * `ApprovalNotWaitingError`.
 */
export const APPROVAL_DECISIONS = ["approve", "reject"] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/** Most characters of an approver's comment. */
export const MAX_APPROVAL_COMMENT_LENGTH = 2000;

/** What a store records for a decision. */
export interface ApprovalDecisionInput {
  runId: string;
  taskKey: string;
  decision: ApprovalDecision;
  /** Who decided: the CLI user (`cli:<login>`), the token identity, `dashboard`, or `timeout`. */
  actor: string;
  /** Default null. */
  comment: string | null;
  /**
   * The submitted form values (approve only; a rejection records none). The store checks them against the
   * task's frozen form with `checkApprovalValues` inside the decision's transaction, defaults filled in.
   * Default `{}`.
   */
  values?: Record<string, unknown>;
  /** True when the approval's timeout applied its `onTimeout` outcome. Default false. */
  timedOut?: boolean;
  now: number;
}

export interface ApprovalDecisionResult {
  taskRunId: number;
  status: Extract<TaskRunStatus, "succeeded" | "failed">;
  /** The values recorded as the output (approve); null for a rejection. */
  values: ApprovalValues | null;
}

/** A waiting approval as the inbox and the timeout system see it. Times are epoch ms. */
export interface WaitingApproval {
  taskRunId: number;
  runId: string;
  planSlug: string;
  planName: string;
  taskKey: string;
  taskName: string;
  prompt: string | null;
  description: string | null;
  form: ApprovalForm | null;
  /** When it started waiting. */
  waitingSince: number;
  /** When its timeout applies `onTimeout`; null without a timeout. */
  deadline: number | null;
  onTimeout: ApprovalSpec["onTimeout"];
}

/**
 * Approvals in storage. `decideApproval` moves the task run out of `waiting` in one transaction, with a
 * `task_run.status` event and an `operator.action` event (`approvalDecidedData`) for the audit trail, and releases or blocks its dependents as a success or a failure does.
 */
export interface ApprovalStore {
  /**
   * @throws NotFoundError for an unknown run or task; ApprovalNotWaitingError when the task is not a waiting
   *   approval (not an approval, not yet runnable, or already decided).
   */
  decideApproval(input: ApprovalDecisionInput): Promise<ApprovalDecisionResult>;
  /** Waiting approvals (of one run), oldest first. */
  listWaitingApprovals(filter?: { runId?: string }): Promise<WaitingApproval[]>;
}

/** A decision on a task run that is not a waiting approval (API: CONFLICT; CLI: exit 2). */
export class ApprovalNotWaitingError extends TaskloomError {
  readonly status: TaskRunStatus;
  constructor(taskKey: string, kind: string, status: TaskRunStatus) {
    const why =
      kind !== "approval"
        ? `it is a ${kind} task, not an approval`
        : status === "succeeded" || status === "failed"
          ? `it was already decided (it is ${status})`
          : `it is ${status}, not waiting for a decision`;
    super("ILLEGAL_TRANSITION", `cannot decide task \`${taskKey}\`: ${why}`);
    this.status = status;
  }
}

/** The approval spec of a frozen task definition, or null when the task is not an approval. */
export function approvalSpecOf(definition: TaskDefinition): ApprovalSpec | null {
  return definition.spec.kind === "approval" ? definition.spec : null;
}

/** When a waiting approval's timeout applies, or null when it has none. */
export function approvalDeadline(spec: ApprovalSpec, waitingSince: number): number | null {
  return spec.timeoutMs === null ? null : waitingSince + spec.timeoutMs;
}

/**
 * What a decision records: for an approval the values checked against the form (defaults filled in) and their
 * JSON as the task's output; for a rejection its error.
 * @throws ApprovalInputError when approving with values that break the form.
 */
export function decisionOutcome(
  spec: ApprovalSpec,
  taskKey: string,
  input: Pick<ApprovalDecisionInput, "decision" | "actor" | "comment" | "values" | "timedOut">,
): { values: ApprovalValues | null; outputJson: string | null; error: string | null } {
  if (input.decision === "approve") {
    const values = checkApprovalValues(taskKey, spec.form, input.values ?? {});
    return { values, outputJson: JSON.stringify(values), error: null };
  }
  const who = input.timedOut ? "its timeout" : input.actor;
  const error = `rejected by ${who}${input.comment ? `: ${input.comment}` : ""}`;
  return { values: null, outputJson: null, error };
}

/**
 * The `data` of a decision's `operator.action` event (so it is in the run's audit trail with the other
 * operator actions): action `approve`/`reject`, the actor, the comment as the reason, the recorded values and
 * whether the timeout decided.
 */
export function approvalDecidedData(
  input: ApprovalDecisionInput,
  values: ApprovalValues | null,
): Record<string, unknown> {
  return operatorActionData(
    input.decision,
    { actor: input.actor, reason: input.comment },
    { values, timedOut: input.timedOut ?? false },
  );
}
