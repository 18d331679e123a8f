import {
  type ApprovalDecision,
  type ApprovalDecisionResult,
  BadInputError,
  type Clock,
  coerceApprovalText,
  MAX_APPROVAL_COMMENT_LENGTH,
  type ReadModel,
  type TaskloomStore,
  type WaitingApproval,
} from "@taskloom/core";

export interface DecideApprovalInput {
  /** Run id, or a unique prefix of one. */
  runId: string;
  taskKey: string;
  decision: ApprovalDecision;
  /** The CLI user (`cli:<login>`), the token identity, or `dashboard`. */
  actor: string;
  /** Shown in the audit trail (and in a rejection's error). Default none. */
  comment?: string | null;
  /** Typed form values (the API, the dashboard). Default none. */
  values?: Record<string, unknown>;
  /**
   * Form values as text (`taskloom approve --input key=value`), read as each field's type; they override
   * `values` with the same name. Default none.
   */
  texts?: Record<string, string>;
}

/**
 * Approvals for every client (CLI, API, library): the inbox of waiting approvals and the decision. Checks
 * what the caller gives (actor, comment, that a rejection carries no values), reads text input as the form's
 * types, and delegates to the store, which checks the values against the task's frozen form and moves the task
 * run in one transaction.
 */
export class ApprovalService {
  readonly #store: TaskloomStore;
  readonly #queries: ReadModel;
  readonly #clock: Clock;

  constructor(deps: { store: TaskloomStore; queries: ReadModel; clock: Clock }) {
    this.#store = deps.store;
    this.#queries = deps.queries;
    this.#clock = deps.clock;
  }

  /** Waiting approvals across runs (or of one run, by id or prefix), oldest first. */
  async list(filter: { runId?: string } = {}): Promise<WaitingApproval[]> {
    if (filter.runId === undefined) return this.#store.listWaitingApprovals();
    return this.#store.listWaitingApprovals({ runId: await this.#queries.resolveRunId(filter.runId) });
  }

  /**
   * Approves or rejects a waiting approval.
   * @throws BadInputError / ApprovalInputError (bad input), NotFoundError, ApprovalNotWaitingError.
   */
  async decide(input: DecideApprovalInput): Promise<ApprovalDecisionResult> {
    const actor = input.actor.trim();
    if (actor === "") throw new BadInputError("a decision needs an actor");
    const comment = input.comment?.trim() || null;
    if (comment !== null && comment.length > MAX_APPROVAL_COMMENT_LENGTH) {
      throw new BadInputError(
        `the comment is ${comment.length} characters long (at most ${MAX_APPROVAL_COMMENT_LENGTH})`,
      );
    }
    const given = { ...input.values, ...input.texts };
    if (input.decision === "reject" && Object.keys(given).length > 0) {
      throw new BadInputError("a rejection takes no input values (say why with a comment)");
    }
    const runId = await this.#queries.resolveRunId(input.runId);
    const values: Record<string, unknown> = { ...input.values };
    if (input.texts && Object.keys(input.texts).length > 0) {
      const waiting = await this.#store.listWaitingApprovals({ runId });
      const form = waiting.find((approval) => approval.taskKey === input.taskKey)?.form ?? null;
      for (const [name, text] of Object.entries(input.texts)) {
        const field = form?.properties[name];
        values[name] = field ? coerceApprovalText(field, text) : text;
      }
    }
    return this.#store.decideApproval({
      runId,
      taskKey: input.taskKey,
      decision: input.decision,
      actor,
      comment,
      values,
      now: this.#clock.now(),
    });
  }
}
