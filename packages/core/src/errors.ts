/**
 * Typed errors of the domain. Engines throw these; the CLI prints `message` on one line and the API maps
 * `code` to a transport status in one place. Nothing below the composition roots knows about HTTP or tRPC.
 */
export type TaskloomErrorCode =
  | "PLAN_INVALID"
  | "CYCLE"
  | "NOT_FOUND"
  | "ILLEGAL_TRANSITION"
  | "CONFLICT"
  | "BAD_INPUT"
  | "DATABASE";

export class TaskloomError extends Error {
  readonly code: TaskloomErrorCode;
  constructor(code: TaskloomErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One problem found in a plan document. `path` is the YAML/JSON path (`tasks.fetch.requires[0]`). */
export interface PlanIssue {
  path: string;
  message: string;
  /** 1-based line in the source text, when known. */
  line?: number;
  column?: number;
}

export class PlanValidationError extends TaskloomError {
  readonly issues: PlanIssue[];
  constructor(issues: PlanIssue[]) {
    super("PLAN_INVALID", `plan is invalid:\n${issues.map(formatPlanIssue).join("\n")}`);
    this.issues = issues;
  }
}

export function formatPlanIssue(issue: PlanIssue): string {
  const where = issue.line === undefined ? issue.path : `${issue.path} (line ${issue.line})`;
  return where ? `${where}: ${issue.message}` : issue.message;
}

export class CycleError extends TaskloomError {
  /** The cycle as a closed path: `["a", "b", "c", "a"]`. */
  readonly cycle: string[];
  constructor(cycle: string[]) {
    super("CYCLE", `cycle: ${cycle.join(" -> ")}`);
    this.cycle = cycle;
  }
}

export class NotFoundError extends TaskloomError {
  readonly entity: string;
  readonly id: string;
  constructor(entity: string, id: string) {
    super("NOT_FOUND", `${entity} not found: ${id}`);
    this.entity = entity;
    this.id = id;
  }
}

export class IllegalTransitionError extends TaskloomError {
  readonly entity: "task_run" | "run";
  readonly from: string;
  readonly to: string;
  constructor(entity: "task_run" | "run", from: string, to: string, detail?: string) {
    super(
      "ILLEGAL_TRANSITION",
      `illegal ${entity.replace("_", " ")} transition ${from} -> ${to}${detail ? `: ${detail}` : ""}`,
    );
    this.entity = entity;
    this.from = from;
    this.to = to;
  }
}

/** Something with that identity already exists (a plan slug, a task key, a link). */
export class ConflictError extends TaskloomError {
  constructor(message: string) {
    super("CONFLICT", message);
  }
}

export class BadInputError extends TaskloomError {
  constructor(message: string) {
    super("BAD_INPUT", message);
  }
}
