import type { ContextPolicy } from "./context-types.ts";

/**
 * Glossary
 * --------
 * - **plan**: a goal broken into tasks joined by typed links. Identified by its `slug`.
 * - **plan definition**: the canonical, fully-defaulted form of a plan file (`PlanDefinition`). Import,
 *   export, run snapshots and hashing all work on it, never on the raw YAML.
 * - **task**: one step of a plan, identified by its `key` (unique in the plan).
 * - **link**: a typed edge `from -> to`. Only `requires` gates execution; `refers`, `duplicates` and
 *   `relates_to` (the task fields `duplicates`, `relatesTo`) feed context only.
 * - **run**: one execution of a plan. It freezes the plan definition it started from.
 * - **task run**: the attempt series of one task inside one run. It has one status (see `TaskRunStatus`).
 * - **attempt**: one try of a task run; `attempt` counts from 1.
 * - **lease**: the claim a worker holds on a running task run until `leaseExpiresAt`; heartbeats extend it.
 *   A lease is **lost** when it expires or its worker is known to be dead (same host, process gone): the
 *   task run goes back to `ready` without using a retry, so a dead worker loses nothing (see `lease-loss.ts`).
 * - **event**: a row in the audit trail with a global increasing id, written in the same transaction as
 *   the state change it records.
 * - **epoch ms**: every time in the engine is a number of milliseconds since the Unix epoch, taken from an
 *   injected clock, never from `Date.now()` directly.
 */

import type { ApprovalForm } from "./approval-form.ts";
import type { ScheduleDefinition } from "./schedules.ts";

export const TASK_KINDS = ["shell", "http", "noop", "llm", "function", "approval"] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** Only `requires` orders execution; the other kinds feed context (see `LINK_FIELDS` for their task fields). */
export const LINK_KINDS = ["requires", "refers", "duplicates", "relates_to"] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export const TASK_RUN_STATUSES = [
  "pending",
  "ready",
  "running",
  "retrying",
  "succeeded",
  "failed",
  "cancelled",
  "blocked",
  "skipped",
  /** An approval task waiting for a person's decision: it holds no lease and no worker slot. */
  "waiting",
] as const;
export type TaskRunStatus = (typeof TASK_RUN_STATUSES)[number];

export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const RUN_TRIGGERS = ["manual", "cli", "schedule", "api"] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** Why an attempt or a task run ended without success. */
export type FailureReason =
  | "exit_code"
  | "error"
  | "timeout"
  | "cancelled"
  /** Recorded by versions before lost leases were requeued; no longer written. */
  | "lease_expired"
  /** The task lost its worker `maxLostLeases` times in a row (a task that keeps killing its workers). */
  | "lost"
  | "upstream_failed"
  | "output_parse"
  /** A swept task's `itemsFrom` upstream did not output a JSON array of at most `MAX_SWEEP_POINTS` items. */
  | "sweep_items"
  /** An approval task that a person rejected, or whose timeout rejected it. */
  | "rejected";

export interface RetryPolicy {
  /** Retries after the first attempt, so `max: 2` means up to 3 attempts. Default 0. */
  max: number;
  /** How the delay grows between attempts. Default `exponential`. */
  backoff: "fixed" | "exponential";
  /** Delay before the first retry, in ms. Default 1000. */
  delayMs: number;
  /** Upper bound of any delay, in ms. Default 60000. */
  maxDelayMs: number;
  /** Fraction of the delay that is randomised away (0 = none, 1 = full jitter). Default 0.2. */
  jitter: number;
}

export type ParamValue = string | number | boolean;

export interface ShellSpec {
  kind: "shell";
  /** A string runs under `sh -c`; an array is an argv run without a shell. */
  run: string | string[];
  /** Extra environment variables (templated). Default `{}`. */
  env: Record<string, string>;
  /** Working directory, relative to the plan's base directory. Default: the base directory. */
  cwd: string | null;
}

export interface HttpSpec {
  kind: "http";
  /** Default `GET`. */
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";
  url: string;
  /** Default `{}`. */
  headers: Record<string, string>;
  /** Request body (templated). Default none. */
  body: string | null;
}

export interface NoopSpec {
  kind: "noop";
  /** What the task outputs when it succeeds. Default none (null). */
  output: unknown;
}

/** A call to a language model; its prompt is assembled by the context engine (`llm-task.ts`). */
export interface LlmSpec {
  kind: "llm";
  /** The task's instruction (templated like other kinds' fields). */
  prompt: string;
  /** The system message (templated). Default null: the context engine's default system prompt. */
  system: string | null;
  /** Default null: the engine's configured model (`TASKLOOM_LLM_MODEL`). */
  model: string | null;
  /** Default null: the server's default. */
  temperature: number | null;
  /** Most tokens of the answer. Default null: the context engine reserves 1024 and the server decides. */
  maxTokens: number | null;
  /** Every default applied (`resolveContextPolicy`). */
  context: ContextPolicy;
  /** Item refs always put first in the bundle, in order. Default `[]`. */
  pin: string[];
  /** Item refs that never enter the bundle. Default `[]`. */
  exclude: string[];
}

/** A TypeScript handler registered by a worker (`defineTask(name, …)` in `@taskloom/sdk`; see `function-task.ts`). */
export interface FunctionSpec {
  kind: "function";
  /** The name the handler is registered under; only workers that have it claim the task. */
  handler: string;
  /**
   * The handler's first argument: any JSON value, its strings templated. Absent (the default) means the task
   * run's effective params.
   */
  input?: unknown;
}

/** A person approves or rejects (`approvals.ts`); the approve form's values become the task's output. */
export interface ApprovalSpec {
  kind: "approval";
  /** The question put to the approver. Default null. */
  prompt: string | null;
  /** Longer text for the approver (markdown). Default null. */
  description: string | null;
  /** The typed input form; null (the default) means approve or reject only. */
  form: ApprovalForm | null;
  /**
   * How long the approval waits, in ms, from when it started waiting; null (the default) waits for ever. The
   * task's `timeout:` field; `defaults.timeout` (a limit for steps that run) does not apply.
   */
  timeoutMs: number | null;
  /** The decision applied when the timeout passes. Default `reject`. */
  onTimeout: "approve" | "reject";
}

export type TaskSpec = ShellSpec | HttpSpec | NoopSpec | LlmSpec | FunctionSpec | ApprovalSpec;

/** One task of a plan definition, with every default applied. */
export interface TaskDefinition {
  key: string;
  /** Default: the key. */
  name: string;
  kind: TaskKind;
  spec: TaskSpec;
  /** Task-level params; run params with the same name override them. Default `{}`. */
  params: Record<string, ParamValue>;
  /** Upstream keys that must succeed first. Default `[]`. */
  requires: string[];
  /** Upstream keys whose outputs are context only. Default `[]`. */
  refers: string[];
  /** Tasks whose output this task's output repeats (context only). Absent means `[]`. */
  duplicates?: string[];
  /** Related tasks, read like `refers` (context only, link kind `relates_to`). Absent means `[]`. */
  relatesTo?: string[];
  /**
   * The bigger task this one is part of: the dashboard draws a task with tasks under it as a group that
   * collapses and expands, and the context engine counts tasks with the same parent as siblings. It does not
   * order execution (that is `requires`). Absent means none.
   */
  parent?: string;
  /** Higher runs first among ready tasks. Default 0. */
  priority: number;
  /** Default `default`. */
  queue: string;
  retry: RetryPolicy;
  /** Per-attempt time limit in ms; null means none. Default null. */
  timeoutMs: number | null;
  /** `json` parses stdout (or the HTTP body) as JSON and fails the attempt if it does not parse. Default `text`. */
  output: "text" | "json";
  /**
   * At most `limit` attempts with the same rendered key run at once, across all runs and workers. Absent (the
   * default) means no limit beyond the queue's; absent rather than null so older plans keep their hash.
   */
  concurrency?: ConcurrencyPolicy;
  /** The output cache (opt-in). Absent means none, so plans without it keep their definition hash. */
  cache?: TaskCache;
  /** A parameter sweep: one task run per point (see `SweepPolicy`). Absent (the default) means none. */
  sweep?: SweepPolicy;
}

/** One point of a parameter sweep, as its task run carries it. */
export interface SweepPoint {
  index: number;
  params: Record<string, ParamValue>;
}

/** One named list of a sweep's `matrix`, in file order. */
export interface SweepAxis {
  name: string;
  /** At least one value. */
  values: ParamValue[];
}

/** Where a sweep's points come from: exactly one of these. */
export type SweepSource =
  /** The cartesian product of the axes, in file order, the last axis varying fastest. */
  | { matrix: SweepAxis[] }
  /** One point per params object, in list order. */
  | { items: Record<string, ParamValue>[] }
  /** One point per element of this upstream's JSON array output, decided when it succeeds. */
  | { itemsFrom: string };

/**
 * A task's parameter sweep (`sweep:` in the plan file): the task runs once per point, each point's params
 * merged over the task's effective params; its dependents see `{{tasks.<key>.outputs}}`, the points' outputs
 * in point order.
 */
export type SweepPolicy = SweepSource & {
  /** Most points of this task running at once in one run; null means no limit. Default null. */
  maxParallel: number | null;
  /** `all`: dependents wait for every point to succeed; `any`: for the first one. Default `all`. */
  need: "all" | "any";
};

/** A task's concurrency key (`concurrencyKey`/`concurrencyLimit`, or `exclusive: true` in the plan file). */
export interface ConcurrencyPolicy {
  /** A template (`{{params.NAME}}`, `{{run.id}}`, `{{plan.slug}}`), rendered when the task run is created. */
  key: string;
  /** Most attempts with the same rendered key running at once; an integer ≥ 1. Default 1. */
  limit: number;
  /** Set when the file said `exclusive: true`: the key is then `{{plan.slug}}/<task key>` and the limit 1. */
  exclusive?: true;
}

/**
 * A task's output cache: an attempt whose rendered `key` matches a successful output stored for the same
 * plan and task less than `ttlMs` ago completes with that output without running.
 */
export interface TaskCache {
  /** A template (`{{params.day}}`, `{{tasks.KEY.output}}`, …), rendered like the task's own fields. */
  key: string;
  /** How long a stored output stays usable, in ms (at least 1). */
  ttlMs: number;
}

/** A plan with every default applied: what import stores and what a run freezes. */
export interface PlanDefinition {
  slug: string;
  /** Default: the slug. */
  name: string;
  /** Default "". */
  goal: string;
  /** The INDEX document. Default "". */
  index: string;
  /** Run parameters with their defaults. Default `{}`. */
  params: Record<string, ParamValue>;
  /** Tasks in file order. */
  tasks: TaskDefinition[];
  /**
   * Plan-scoped documents by key, with their text (a `path` in the file is read at import). Absent means
   * none; absent rather than empty so plans without documents keep their definition hash.
   */
  documents?: PlanDocument[];
  /** Plan-scoped key/value memory. Absent means none. */
  notes?: Record<string, string>;
  /**
   * The plan file's `schedules:`, in file order; absent when there are none. Stored in their own table (see
   * `ScheduleStore`), not in the plan's definition, so they never change its hash or version.
   */
  schedules?: ScheduleDefinition[];
}

/** A plan document: a `doc:<key>` context item. */
export interface PlanDocument {
  key: string;
  /** Default: the key. */
  title: string;
  text: string;
}

/** What a task run reads from each of its `requires` upstreams. */
export interface UpstreamOutput {
  /** The output as text (stdout, trimmed; or the response body). */
  output: string | null;
  /** The parsed output when it was JSON, else null. */
  json: unknown;
}

export interface Clock {
  /** Epoch ms. */
  now(): number;
}

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const systemClock: Clock = { now: () => Date.now() };

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
