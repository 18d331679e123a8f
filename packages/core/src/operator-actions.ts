import { BadInputError, TaskloomError } from "./errors.ts";
import type { TaskRunMove } from "./state-machine.ts";
import type { RunStatus, TaskRunStatus } from "./types.ts";

/**
 * Operator actions on one task run of a run, and the rules of when each is allowed. The stores apply them
 * (status moves through the transition table, an `operator.action` event with who and why); these rules
 * decide first, so every store and every client refuses the same things with the same message.
 */
export const TASK_ACTIONS = ["resolve", "skip", "reset-attempts", "cancel"] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

/** Every action that is audited: the task actions, a retry of a failed task, and a rerun. */
export type OperatorActionName = TaskAction | "retry" | "rerun" | "replay" | "approve" | "reject";

/** Who did it and why, as written in the action's `operator.action` event. */
export interface OperatorAudit {
  /** The CLI user (`cli:<login>`), the token identity, or `dashboard`. */
  actor: string;
  /** Why; required for the actions whose rule says so, else null when not given. */
  reason: string | null;
}

interface TaskActionRule {
  /** The task-run statuses the action accepts. */
  from: readonly TaskRunStatus[];
  /** The transition it makes (its `to` is in `TASK_RUN_MOVES`); null: the status stays. */
  move: TaskRunMove | null;
  /** Whether the audit must say why (actions that change what the dependents see). */
  reasonRequired: boolean;
  /** The verb of messages: "cannot resolve task `b`". */
  verb: string;
}

export const TASK_ACTION_RULES: Readonly<Record<TaskAction, TaskActionRule>> = {
  resolve: { from: ["failed", "blocked"], move: "resolve", reasonRequired: true, verb: "resolve" },
  skip: { from: ["pending", "ready"], move: "skip", reasonRequired: true, verb: "skip" },
  // A failed task gets a fresh budget from a retry; resetting is for a task that is still going.
  "reset-attempts": {
    from: ["pending", "ready", "running", "retrying"],
    move: null,
    reasonRequired: false,
    verb: "reset the attempts of",
  },
  cancel: {
    from: ["pending", "ready", "running", "retrying", "waiting"],
    move: "cancel",
    reasonRequired: false,
    verb: "cancel",
  },
};

/** Most characters of an operator's reason (it is shown in the audit trail, not a document). */
export const MAX_REASON_LENGTH = 500;

/** An operator action that the task's or the run's state does not allow (API: CONFLICT; CLI: exit 2). */
export class IllegalActionError extends TaskloomError {
  readonly action: OperatorActionName;
  constructor(action: OperatorActionName, message: string) {
    super("ILLEGAL_TRANSITION", message);
    this.action = action;
  }
}

const statusList = (statuses: readonly string[]) => statuses.join(" or ");

/**
 * Checks a task action against the task run's and the run's status; returns the rule to apply.
 * @throws IllegalActionError when the state does not allow it.
 */
export function checkTaskAction(
  action: TaskAction,
  state: { taskKey: string; taskStatus: TaskRunStatus; runStatus: RunStatus },
): TaskActionRule {
  const rule = TASK_ACTION_RULES[action];
  const subject = `cannot ${rule.verb} task \`${state.taskKey}\``;
  if (state.runStatus === "cancelled" || state.runStatus === "succeeded") {
    throw new IllegalActionError(action, `${subject}: its run is ${state.runStatus}`);
  }
  if (!rule.from.includes(state.taskStatus)) {
    const hint = action === "reset-attempts" && state.taskStatus === "failed" ? " (retry it instead)" : "";
    throw new IllegalActionError(
      action,
      `${subject}: it is ${state.taskStatus} (${action} needs ${statusList(rule.from)})${hint}`,
    );
  }
  return rule;
}

/**
 * The audit an action is recorded with, checked: an actor, and a reason where the action requires one
 * (trimmed; empty means none).
 * @throws BadInputError when the reason is missing or too long.
 */
export function checkAudit(
  action: OperatorActionName,
  input: { actor: string; reason?: string | null },
): OperatorAudit {
  const actor = input.actor.trim();
  if (actor === "") throw new BadInputError("an operator action needs an actor");
  const reason = input.reason?.trim() || null;
  const required =
    (TASK_ACTIONS as readonly string[]).includes(action) &&
    TASK_ACTION_RULES[action as TaskAction].reasonRequired;
  if (required && reason === null) {
    throw new BadInputError(`a reason is required to ${action} a task (say why, e.g. --reason "…")`);
  }
  if (reason !== null && reason.length > MAX_REASON_LENGTH) {
    throw new BadInputError(`the reason is ${reason.length} characters long (at most ${MAX_REASON_LENGTH})`);
  }
  return { actor, reason };
}

/** The `data` of an `operator.action` event: what was done, by whom and why, plus the action's details. */
export function operatorActionData(
  action: OperatorActionName,
  audit: OperatorAudit,
  details: Record<string, unknown> = {},
): Record<string, unknown> {
  return { action, actor: audit.actor, reason: audit.reason, ...details };
}

/**
 * The output a resolved task succeeds with: the text as given, and for an `output: json` task its JSON (which
 * must parse, as a run's own output must).
 * @throws BadInputError when a json task's output does not parse.
 */
export function resolvedOutput(
  taskKey: string,
  mode: "text" | "json",
  text: string | null,
): { outputText: string | null; outputJson: string | null } {
  if (mode === "text" || text === null) return { outputText: text, outputJson: null };
  try {
    return { outputText: text, outputJson: JSON.stringify(JSON.parse(text)) };
  } catch (error) {
    throw new BadInputError(
      `task \`${taskKey}\` has output: json, so its output must be JSON: ${(error as Error).message}`,
    );
  }
}
