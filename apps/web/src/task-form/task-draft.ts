import {
  type ApprovalSpec,
  approvalSpecFile,
  DEFAULT_CONTEXT_POLICY,
  DEFAULT_QUEUE,
  DEFAULT_RETRY_POLICY,
  type FunctionSpec,
  formatDuration,
  type HttpSpec,
  type LlmSpec,
  type ParamValue,
  type ShellSpec,
  type TaskDefinition,
  type TaskKind,
  validatePlanObject,
} from "@taskloom/core";
import {
  emptySweepDraft,
  type SweepDraft,
  type SweepField,
  sweepDraftFrom,
  sweepToPlan,
} from "./sweep-draft.ts";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const SUMMARIZE_MODES = ["extractive", "llm", "off"] as const;
export type SummarizeMode = (typeof SUMMARIZE_MODES)[number];

/** The context sources an llm task may leave out (`context.include`); each is on by default. */
export const INCLUDE_SOURCES = ["siblings", "notes", "retrieval"] as const;
export type IncludeSource = (typeof INCLUDE_SOURCES)[number];

export interface KeyValueRow {
  name: string;
  value: string;
}

/** The task form's state: text as typed, turned into a plan-file task only when validated or saved. */
export interface TaskDraft {
  key: string;
  name: string;
  kind: TaskKind;
  priority: string;
  queue: string;
  /** `concurrencyKey` as typed (a template); empty means none. */
  concurrencyKey: string;
  /** `concurrencyLimit` as typed; empty means 1. */
  concurrencyLimit: string;
  /** `exclusive: true`: one attempt at a time across runs (key and limit are then not written). */
  exclusive: boolean;
  retriesMax: string;
  retriesDelay: string;
  backoff: "exponential" | "fixed";
  timeout: string;
  output: "text" | "json";
  /** shell: the command, or one argument per line when `argv` is set. */
  run: string;
  argv: boolean;
  env: KeyValueRow[];
  cwd: string;
  /** http */
  method: HttpMethod;
  url: string;
  headers: KeyValueRow[];
  body: string;
  /** noop: the result as JSON text. */
  result: string;
  /** function: the handler's name, and its `input` as JSON text (empty: the task's params). */
  handler: string;
  input: string;
  /** llm: the prompt and system message (templated), model settings as typed. */
  prompt: string;
  system: string;
  model: string;
  temperature: string;
  maxTokens: string;
  /** llm `context:` — budget and k as typed, the summary mode, which sources to include. */
  contextBudget: string;
  contextK: string;
  summarize: SummarizeMode;
  include: Record<IncludeSource, boolean>;
  /** llm: item refs pinned and excluded in the plan file, one per line. */
  pin: string;
  exclude: string;
  /** Upstream tasks that must succeed first, and those whose outputs are context only (plan order). */
  requires: string[];
  refers: string[];
  /** Context-only links: tasks whose output this one duplicates, and related tasks (plan order). */
  duplicates: string[];
  relatesTo: string[];
  /** The bigger task this one is under (`parent`); empty means none. */
  parent: string;
  /** `cache.key` as typed (a template) and `cache.ttl` (a duration); both empty means no cache. */
  cacheKey: string;
  cacheTtl: string;
  /** approval: the longer text for the approver, the form (a JSON-schema subset) as JSON text, the timeout's decision. */
  description: string;
  approvalForm: string;
  onTimeout: "approve" | "reject";
  /** `sweep:` as typed (`source: none` for a task that is not swept). */
  sweep: SweepDraft;
  /** Kept as they are: the form does not edit them, but saving must not drop them. */
  preserved: {
    params: Record<string, ParamValue>;
    maxDelay?: string;
    jitter?: number;
  };
}

export type TaskField =
  | "key"
  | "name"
  | "kind"
  | "priority"
  | "queue"
  | "concurrencyKey"
  | "concurrencyLimit"
  | "retriesMax"
  | "retriesDelay"
  | "backoff"
  | "timeout"
  | "output"
  | "run"
  | "env"
  | "cwd"
  | "method"
  | "url"
  | "headers"
  | "body"
  | "result"
  | "handler"
  | "input"
  | "prompt"
  | "system"
  | "model"
  | "temperature"
  | "maxTokens"
  | "context"
  | "pin"
  | "exclude"
  | "links"
  | "parent"
  | "cacheKey"
  | "cacheTtl"
  | "description"
  | "approvalForm"
  | "onTimeout"
  | SweepField
  | "general";

export type FieldIssues = Partial<Record<TaskField, string[]>>;

export function emptyDraft(kind: TaskKind, key = ""): TaskDraft {
  return {
    key,
    name: "",
    kind,
    priority: "",
    queue: "",
    concurrencyKey: "",
    concurrencyLimit: "",
    exclusive: false,
    retriesMax: "",
    retriesDelay: "",
    backoff: DEFAULT_RETRY_POLICY.backoff,
    timeout: "",
    output: "text",
    run: "",
    argv: false,
    env: [],
    cwd: "",
    method: "GET",
    url: "",
    headers: [],
    body: "",
    result: "",
    handler: "",
    input: "",
    prompt: "",
    system: "",
    model: "",
    temperature: "",
    maxTokens: "",
    contextBudget: "",
    contextK: "",
    summarize: "extractive",
    include: { siblings: true, notes: true, retrieval: true },
    pin: "",
    exclude: "",
    requires: [],
    refers: [],
    duplicates: [],
    relatesTo: [],
    parent: "",
    cacheKey: "",
    cacheTtl: "",
    description: "",
    approvalForm: "",
    onTimeout: "reject",
    sweep: emptySweepDraft(),
    preserved: { params: {} },
  };
}

/** A key not used yet: `task-1`, `task-2`, ... */
export function suggestKey(existing: readonly string[], base = "task"): string {
  const taken = new Set(existing);
  for (let n = 1; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

const rows = (record: Record<string, string>): KeyValueRow[] =>
  Object.entries(record).map(([name, value]) => ({ name, value }));

/** A stored task as it arrives over the wire (JSON drops a noop's `undefined` output). */
export type StoredTask = Omit<TaskDefinition, "spec"> & {
  spec: ShellSpec | HttpSpec | { kind: "noop"; output?: unknown } | LlmSpec | FunctionSpec | ApprovalSpec;
};

/** The form state of a stored task; fields equal to their defaults stay empty so placeholders show them. */
export function draftFromDefinition(task: StoredTask): TaskDraft {
  const draft = emptyDraft(task.kind, task.key);
  draft.name = task.name === task.key ? "" : task.name;
  draft.priority = task.priority === 0 ? "" : String(task.priority);
  draft.queue = task.queue === DEFAULT_QUEUE ? "" : task.queue;
  if (task.concurrency?.exclusive) draft.exclusive = true;
  else if (task.concurrency !== undefined) {
    draft.concurrencyKey = task.concurrency.key;
    draft.concurrencyLimit = task.concurrency.limit === 1 ? "" : String(task.concurrency.limit);
  }
  draft.retriesMax = task.retry.max === DEFAULT_RETRY_POLICY.max ? "" : String(task.retry.max);
  draft.retriesDelay =
    task.retry.delayMs === DEFAULT_RETRY_POLICY.delayMs ? "" : formatDuration(task.retry.delayMs);
  draft.backoff = task.retry.backoff;
  draft.timeout = task.timeoutMs === null ? "" : formatDuration(task.timeoutMs);
  draft.output = task.output;
  draft.requires = [...task.requires];
  draft.refers = [...task.refers];
  draft.duplicates = [...(task.duplicates ?? [])];
  draft.relatesTo = [...(task.relatesTo ?? [])];
  draft.preserved = {
    params: { ...task.params },
    ...(task.retry.maxDelayMs !== DEFAULT_RETRY_POLICY.maxDelayMs
      ? { maxDelay: formatDuration(task.retry.maxDelayMs) }
      : {}),
    ...(task.retry.jitter !== DEFAULT_RETRY_POLICY.jitter ? { jitter: task.retry.jitter } : {}),
  };
  draft.sweep = sweepDraftFrom(task.sweep);
  draft.parent = task.parent ?? "";
  if (task.cache) {
    draft.cacheKey = task.cache.key;
    draft.cacheTtl = formatDuration(task.cache.ttlMs);
  }
  const { spec } = task;
  switch (spec.kind) {
    case "shell":
      draft.argv = Array.isArray(spec.run);
      draft.run = Array.isArray(spec.run) ? spec.run.join("\n") : spec.run;
      draft.env = rows(spec.env);
      draft.cwd = spec.cwd ?? "";
      break;
    case "http":
      draft.method = spec.method;
      draft.url = spec.url;
      draft.headers = rows(spec.headers);
      draft.body = spec.body ?? "";
      break;
    case "noop":
      draft.result =
        spec.output === null || spec.output === undefined ? "" : JSON.stringify(spec.output, null, 2);
      break;
    case "function":
      draft.handler = spec.handler;
      draft.input = spec.input === undefined ? "" : JSON.stringify(spec.input, null, 2);
      break;
    case "llm": {
      draft.prompt = spec.prompt;
      draft.system = spec.system ?? "";
      draft.model = spec.model ?? "";
      draft.temperature = spec.temperature === null ? "" : String(spec.temperature);
      draft.maxTokens = spec.maxTokens === null ? "" : String(spec.maxTokens);
      draft.contextBudget = spec.context.budget === null ? "" : String(spec.context.budget);
      draft.contextK = spec.context.k === DEFAULT_CONTEXT_POLICY.k ? "" : String(spec.context.k);
      draft.summarize = spec.context.summarize;
      draft.include = { ...spec.context.include };
      draft.pin = spec.pin.join("\n");
      draft.exclude = spec.exclude.join("\n");
      break;
    }
    case "approval": {
      draft.prompt = spec.prompt ?? "";
      draft.timeout = spec.timeoutMs === null ? "" : formatDuration(spec.timeoutMs);
      draft.description = spec.description ?? "";
      const { form } = approvalFields(spec);
      draft.approvalForm = form === undefined ? "" : JSON.stringify(form, null, 2);
      draft.onTimeout = spec.onTimeout;
      break;
    }
  }
  return draft;
}

const WHOLE_NUMBER = /^-?\d+$/;

function addIssue(issues: FieldIssues, field: TaskField, message: string): void {
  const list = issues[field] ?? [];
  if (!list.includes(message)) list.push(message);
  issues[field] = list;
}

function recordOf(
  field: TaskField,
  list: readonly KeyValueRow[],
  issues: FieldIssues,
): Record<string, string> {
  const record: Record<string, string> = {};
  for (const row of list) {
    const name = row.name.trim();
    if (name === "" && row.value === "") continue;
    if (name === "") {
      addIssue(issues, field, "every value needs a name");
      continue;
    }
    if (Object.hasOwn(record, name)) addIssue(issues, field, `\`${name}\` is set twice`);
    record[name] = row.value;
  }
  return record;
}

/**
 * The plan-file task object for a draft, exactly as it would be written in YAML (`{ kind, run, retries:
 * { max }, timeout: "30s" }`), plus the problems that the text fields have before the plan rules even
 * apply (a priority that is not a number, a result that is not JSON).
 */
export function draftToPlanTask(draft: TaskDraft): { task: Record<string, unknown>; issues: FieldIssues } {
  const issues: FieldIssues = {};
  const task: Record<string, unknown> = { kind: draft.kind };
  if (draft.name.trim() !== "") task.name = draft.name.trim();

  switch (draft.kind) {
    case "shell": {
      task.run = draft.argv ? draft.run.split("\n").filter((line) => line !== "") : draft.run;
      const env = recordOf("env", draft.env, issues);
      if (Object.keys(env).length > 0) task.env = env;
      if (draft.cwd.trim() !== "") task.cwd = draft.cwd.trim();
      break;
    }
    case "http": {
      if (draft.method !== "GET") task.method = draft.method;
      task.url = draft.url.trim();
      const headers = recordOf("headers", draft.headers, issues);
      if (Object.keys(headers).length > 0) task.headers = headers;
      if (draft.body !== "") task.body = draft.body;
      break;
    }
    case "llm":
      llmFields(draft, task, issues);
      break;
    case "function":
      task.handler = draft.handler.trim();
      if (draft.input.trim() !== "") {
        try {
          task.input = JSON.parse(draft.input) as unknown;
        } catch {
          addIssue(issues, "input", 'must be JSON: an object, a list, a number, true or "quoted text"');
        }
      }
      break;
    case "approval":
      if (draft.prompt.trim() !== "") task.prompt = draft.prompt;
      if (draft.description.trim() !== "") task.description = draft.description;
      if (draft.approvalForm.trim() !== "") {
        try {
          task.form = JSON.parse(draft.approvalForm) as unknown;
        } catch {
          addIssue(issues, "approvalForm", 'must be JSON: {"properties": {"version": {"type": "string"}}}');
        }
      }
      if (draft.onTimeout !== "reject") task.onTimeout = draft.onTimeout;
      break;
    case "noop":
      if (draft.result.trim() !== "") {
        try {
          task.result = JSON.parse(draft.result) as unknown;
        } catch {
          addIssue(issues, "result", 'must be JSON: a number, true, "quoted text", a list or an object');
        }
      }
      break;
  }

  const { preserved } = draft;
  if (draft.requires.length > 0) task.requires = [...draft.requires];
  if (draft.refers.length > 0) task.refers = [...draft.refers];
  if (draft.duplicates.length > 0) task.duplicates = [...draft.duplicates];
  if (draft.relatesTo.length > 0) task.relatesTo = [...draft.relatesTo];
  if (Object.keys(preserved.params).length > 0) task.params = { ...preserved.params };
  const sweep = sweepToPlan(draft.sweep);
  if (sweep.sweep !== undefined) task.sweep = sweep.sweep;
  for (const [field, messages] of Object.entries(sweep.issues)) {
    for (const message of messages) addIssue(issues, field as SweepField, message);
  }
  if (draft.parent !== "") task.parent = draft.parent;
  // Either half given writes the mapping: the plan rules then name the half that is missing.
  const cacheKey = draft.cacheKey.trim();
  const cacheTtl = draft.cacheTtl.trim();
  if (cacheKey !== "" || cacheTtl !== "") {
    task.cache = {
      ...(cacheKey !== "" ? { key: cacheKey } : {}),
      ...(cacheTtl !== "" ? { ttl: cacheTtl } : {}),
    };
  }

  const priority = draft.priority.trim();
  if (priority !== "") {
    if (WHOLE_NUMBER.test(priority)) task.priority = Number(priority);
    else addIssue(issues, "priority", "must be a whole number");
  }
  if (draft.queue.trim() !== "") task.queue = draft.queue.trim();
  if (draft.exclusive) task.exclusive = true;
  else {
    if (draft.concurrencyKey.trim() !== "") task.concurrencyKey = draft.concurrencyKey.trim();
    const limit = draft.concurrencyLimit.trim();
    if (limit !== "") {
      // The plan rules say what a limit must be (a whole number of at least 1, with a key).
      task.concurrencyLimit = WHOLE_NUMBER.test(limit) ? Number(limit) : limit;
    }
  }

  const retries: Record<string, unknown> = {};
  const max = draft.retriesMax.trim();
  if (max !== "") {
    if (WHOLE_NUMBER.test(max)) retries.max = Number(max);
    else addIssue(issues, "retriesMax", "must be a whole number");
  }
  if (draft.backoff !== DEFAULT_RETRY_POLICY.backoff) retries.backoff = draft.backoff;
  if (draft.retriesDelay.trim() !== "") retries.delay = draft.retriesDelay.trim();
  if (preserved.maxDelay !== undefined) retries.maxDelay = preserved.maxDelay;
  if (preserved.jitter !== undefined) retries.jitter = preserved.jitter;
  if (Object.keys(retries).length > 0) task.retries = retries;

  if (draft.timeout.trim() !== "") task.timeout = draft.timeout.trim();
  if (draft.output !== "text") task.output = draft.output;
  return { task, issues };
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A whole-number text field: its number, or an issue (and undefined); "" is undefined without one. */
function wholeNumber(text: string, field: TaskField, issues: FieldIssues): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  if (WHOLE_NUMBER.test(trimmed)) return Number(trimmed);
  addIssue(issues, field, "must be a whole number");
  return undefined;
}

const refLines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");

/** The llm fields in plan-file form; fields left at their defaults are left out, as the plan file does. */
function llmFields(draft: TaskDraft, task: Record<string, unknown>, issues: FieldIssues): void {
  task.prompt = draft.prompt;
  if (draft.system.trim() !== "") task.system = draft.system;
  if (draft.model.trim() !== "") task.model = draft.model.trim();
  const temperature = draft.temperature.trim();
  if (temperature !== "") {
    if (DECIMAL.test(temperature)) task.temperature = Number(temperature);
    else addIssue(issues, "temperature", "must be a number from 0 to 2");
  }
  const maxTokens = wholeNumber(draft.maxTokens, "maxTokens", issues);
  if (maxTokens !== undefined) task.maxTokens = maxTokens;

  const context: Record<string, unknown> = {};
  const budget = wholeNumber(draft.contextBudget, "context", issues);
  if (budget !== undefined) context.budget = budget;
  const k = wholeNumber(draft.contextK, "context", issues);
  if (k !== undefined) context.k = k;
  if (draft.summarize !== DEFAULT_CONTEXT_POLICY.summarize) context.summarize = draft.summarize;
  const include: Record<string, boolean> = {};
  for (const source of INCLUDE_SOURCES) {
    if (draft.include[source] !== DEFAULT_CONTEXT_POLICY.include[source])
      include[source] = draft.include[source];
  }
  if (Object.keys(include).length > 0) context.include = include;
  if (Object.keys(context).length > 0) task.context = context;

  const pin = refLines(draft.pin);
  if (pin.length > 0) task.pin = pin;
  const exclude = refLines(draft.exclude);
  if (exclude.length > 0) task.exclude = exclude;
}

/** The context a task is validated in: the plan it belongs to. */
export interface ValidationContext {
  planSlug: string;
  params: Record<string, ParamValue>;
  /** The other tasks' keys (not the one being edited). */
  otherKeys: readonly string[];
  /** The plan's document keys, so that `doc:` pins resolve. Default none. */
  documentKeys?: readonly string[];
  /** The other tasks' parents (`{ child: parent }`), so that a parent loop is found. Default none. */
  parentsOf?: Readonly<Record<string, string>>;
}

const FIELD_OF_SEGMENT: Readonly<Record<string, TaskField>> = {
  name: "name",
  kind: "kind",
  priority: "priority",
  queue: "queue",
  concurrencyKey: "concurrencyKey",
  concurrencyLimit: "concurrencyLimit",
  exclusive: "concurrencyKey",
  timeout: "timeout",
  output: "output",
  run: "run",
  env: "env",
  cwd: "cwd",
  method: "method",
  url: "url",
  headers: "headers",
  body: "body",
  result: "result",
  handler: "handler",
  input: "input",
  prompt: "prompt",
  system: "system",
  model: "model",
  temperature: "temperature",
  maxTokens: "maxTokens",
  context: "context",
  pin: "pin",
  exclude: "exclude",
  requires: "links",
  refers: "links",
  duplicates: "links",
  relatesTo: "links",
  parent: "parent",
  description: "description",
  form: "approvalForm",
  onTimeout: "onTimeout",
  params: "general",
};

const SWEEP_FIELD_OF_SEGMENT: Readonly<Record<string, SweepField>> = {
  matrix: "sweepMatrix",
  items: "sweepItems",
  itemsFrom: "sweepItemsFrom",
  maxParallel: "sweepMaxParallel",
  need: "sweepNeed",
};

/** What the form needs of a plan issue to place it: its machine-readable code and path segments. */
export interface RoutableIssue {
  code: string;
  fieldPath: readonly (string | number)[];
  message: string;
}

/**
 * The form field a plan issue belongs to, by its path segments (`["tasks", "a", "retries", "delay"]`) and
 * code, never by its wording. A missing required field's path names the field (`["tasks", "a", "url"]`).
 */
export function fieldOfIssue(issue: Omit<RoutableIssue, "message">, key: string): TaskField {
  const [root, taskKey, field, detail] = issue.fieldPath;
  if (root !== "tasks" || taskKey !== key) return "general";
  if (field === undefined)
    return issue.code === "invalid_key" || issue.code === "reserved" ? "key" : "general";
  if (field === "cache") return detail === "ttl" ? "cacheTtl" : "cacheKey";
  if (field === "sweep") return SWEEP_FIELD_OF_SEGMENT[String(detail)] ?? "sweep";
  if (field === "retries") {
    if (detail === "delay") return "retriesDelay";
    if (detail === "backoff") return "backoff";
    return "retriesMax";
  }
  // An unknown field names itself; it can only come from a bug in this form, so show it at the top.
  return typeof field === "string" ? (FIELD_OF_SEGMENT[field] ?? "general") : "general";
}

/**
 * Validates a draft with the plan-file rules (`validatePlanObject` from the core, the same function the
 * server and `taskloom validate` use), inside a plan made of this task and stand-ins for the others, so
 * that `requires` and `{{tasks.x.output}}` references resolve. Returns the task object and issues by field.
 */
export function validateDraft(
  draft: TaskDraft,
  context: ValidationContext,
): { task: Record<string, unknown>; issues: FieldIssues; ok: boolean } {
  const { task, issues } = draftToPlanTask(draft);
  const key = draft.key.trim();
  if (key === "") addIssue(issues, "key", "a key is required");
  else if (context.otherKeys.includes(key))
    addIssue(issues, "key", `another task already has the key \`${key}\``);

  const checkedKey = key === "" ? "task" : key;
  // The edited task first: a parent loop through it is reported on it, next to its Parent field.
  const tasks: Record<string, unknown> = { [checkedKey]: task };
  const standIns = new Set([checkedKey, ...context.otherKeys]);
  for (const other of context.otherKeys) {
    if (other === key) continue;
    // A parent that no longer exists (the edited task is being renamed) is not this form's problem.
    const parent = context.parentsOf?.[other];
    tasks[other] = parent !== undefined && standIns.has(parent) ? { kind: "noop", parent } : { kind: "noop" };
  }
  const documents = Object.fromEntries((context.documentKeys ?? []).map((doc) => [doc, { text: "" }]));
  const outcome = validatePlanObject({
    plan: context.planSlug,
    params: context.params,
    ...(Object.keys(documents).length > 0 ? { documents } : {}),
    tasks,
  });
  // A sweep list that is not JSON was left out: core's complaint about the hole would only repeat it.
  const sweepUnread = issues.sweepMatrix !== undefined || issues.sweepItems !== undefined;
  if (!outcome.ok) {
    for (const issue of outcome.issues) {
      const field = fieldOfIssue(issue, checkedKey);
      if (sweepUnread && field.startsWith("sweep")) continue;
      addIssue(issues, field, placedMessage(issue, field));
    }
  }
  return { task, issues, ok: Object.keys(issues).length === 0 };
}

/** Server-side plan issues (`error.data.planIssues`) mapped onto the form the same way. */
export function issuesFromServer(planIssues: readonly RoutableIssue[], key: string): FieldIssues {
  const issues: FieldIssues = {};
  for (const issue of planIssues) {
    const field = fieldOfIssue(issue, key);
    addIssue(issues, field, placedMessage(issue, field));
  }
  return issues;
}

/**
 * An issue's message as its field shows it: inside the approval form's JSON, prefixed with where
 * (`properties.n.minimum: …`), since one text box holds the whole form.
 */
function placedMessage(issue: RoutableIssue, field: TaskField): string {
  const inner = issue.fieldPath.slice(3);
  if (field !== "approvalForm" || inner.length === 0) return issue.message;
  return `${inner.join(".")}: ${issue.message}`;
}

/** An approval spec's plan-file fields (`kind`, `prompt`, `form`, `timeout`, …), as the plan file writes them. */
function approvalFields(spec: ApprovalSpec): Record<string, unknown> {
  const file: Record<string, unknown> = {};
  approvalSpecFile(spec, file);
  return file;
}
