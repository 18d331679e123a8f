import type { Logger } from "./types.ts";

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
  | "PROVIDER_REQUIRED"
  | "DATABASE";

export class TaskloomError extends Error {
  readonly code: TaskloomErrorCode;
  constructor(code: TaskloomErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * The database cannot be reached for now (a server restart, a network cut, terminated connections). The store
 * is reconnecting on its own and has said so once; callers retry their operation later, quietly.
 */
export class DatabaseUnavailableError extends TaskloomError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("DATABASE", message, options);
  }
}

/**
 * Logs a failed background operation that will be tried again: as an error, except when the database is
 * unreachable, which the store has already reported once for the whole outage (debug, so a person sees one
 * line per outage rather than one per loop).
 */
export function logRetriedFailure(logger: Logger, error: unknown, message: string): void {
  if (error instanceof DatabaseUnavailableError) logger.debug({ err: error }, message);
  else logger.error({ err: error }, message);
}

/**
 * What kind of problem a plan issue is, for programs (the web form routes issues to its fields by it):
 * - `syntax`: the text is not readable YAML/JSON; `duplicate_key`: a mapping repeats a key.
 * - `unknown_field`: a field the format does not have; `field_not_allowed`: a real field in the wrong place
 *   (a shell field on an http task, a task-only field in `defaults`).
 * - `required`: a required field is missing (`fieldPath` ends with the missing field).
 * - `invalid_type`, `invalid_value`, `too_small`, `too_big`: a field's value is of the wrong type, not one of
 *   the allowed values, or out of range; `invalid_duration`: not a duration such as `30s`; `invalid_url`.
 * - `invalid_key`: a task key, param, env or header name that breaks the naming rule; `reserved`: `__proto__`.
 * - `unknown_task`, `self_reference`, `duplicate_link`: a `requires`/`refers` entry that names no task, the task
 *   itself, or a task already listed; `cycle`: `requires` links that close a cycle.
 * - `template`: a `{{…}}` reference that cannot resolve; `too_deep`: a value nested deeper than
 *   `MAX_NESTING_DEPTH` (or an alias that refers to itself); `empty`: an empty document; `invalid`: anything else.
 */
export type PlanIssueCode =
  | "syntax"
  | "duplicate_key"
  | "unknown_field"
  | "field_not_allowed"
  | "required"
  | "invalid_type"
  | "invalid_value"
  | "too_small"
  | "too_big"
  | "invalid_duration"
  | "invalid_url"
  | "invalid_key"
  | "reserved"
  | "unknown_task"
  | "self_reference"
  | "duplicate_link"
  | "cycle"
  | "template"
  | "too_deep"
  | "empty"
  | "invalid";

/** One problem found in a plan document. `path` is the YAML/JSON path (`tasks.fetch.requires[0]`). */
export interface PlanIssue {
  path: string;
  /** The same path as segments (`["tasks", "fetch", "requires", 0]`); for `required`, the missing field's. */
  fieldPath: (string | number)[];
  code: PlanIssueCode;
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

/**
 * A write based on a plan version the plan has since left: someone else's change (an edit in another tab, a
 * CLI import) would be overwritten.
 */
export class StalePlanVersionError extends ConflictError {
  readonly baseVersion: number;
  readonly currentVersion: number;
  constructor(baseVersion: number, currentVersion: number) {
    super(
      `the plan changed since you opened it: v${baseVersion} → v${currentVersion}; reload to see the change`,
    );
    this.name = "StalePlanVersionError";
    this.baseVersion = baseVersion;
    this.currentVersion = currentVersion;
  }
}

/** Something only a model can do was asked while no LLM provider is configured (the dry run). */
export class ProviderRequiredError extends TaskloomError {
  constructor(what: string) {
    super(
      "PROVIDER_REQUIRED",
      `${what} needs an LLM provider: set TASKLOOM_LLM_BASE_URL (and TASKLOOM_LLM_MODEL) to an OpenAI-compatible server`,
    );
  }
}

export class BadInputError extends TaskloomError {
  constructor(message: string) {
    super("BAD_INPUT", message);
  }
}
