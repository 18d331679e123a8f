import { z } from "zod";
import { type PlanIssue, PlanValidationError } from "../errors.ts";
import { findCycle } from "../graph/index.ts";
import { templateReferences } from "../template.ts";
import {
  type ApprovalSpec,
  type ConcurrencyPolicy,
  type FunctionSpec,
  type HttpSpec,
  type LlmSpec,
  type ParamValue,
  type PlanDefinition,
  type RetryPolicy,
  type SweepPolicy,
  TASK_KINDS,
  type TaskCache,
  type TaskDefinition,
  type TaskKind,
  type TaskSpec,
} from "../types.ts";
import { APPROVAL_TASK_FIELDS, readApprovalSpec } from "./approval-task.ts";
import { cacheCheck } from "./cache-field.ts";
import {
  type Check,
  durationCheck,
  envCheck,
  fromZod,
  headersCheck,
  integerCheck,
  isJsonValue,
  isReservedName,
  nonEmptyStringCheck,
  outputModeCheck,
  own,
  paramsCheck,
  readField,
  SLUG_PATTERN,
  stringCheck,
  stringListCheck,
  TASK_KEY_PATTERN,
  timeoutCheck,
} from "./checks.ts";
import { CONCURRENCY_FIELDS, readConcurrency } from "./concurrency.ts";
import { checkItemRefs, type DeclaredItems } from "./context-fields.ts";
import { DEFAULT_QUEUE, DEFAULT_RETRY_POLICY, MAX_NESTING_DEPTH, MAX_SLUG_LENGTH } from "./defaults.ts";
import { type DocumentReader, readDocuments, readNotes } from "./documents.ts";
import { FUNCTION_TASK_FIELDS, functionTemplatedFields, readFunctionSpec } from "./function-task.ts";
import { type DocPath, describeValue, IssueCollector, isPlainObject } from "./issues.ts";
import { LLM_TASK_FIELDS, llmTemplatedFields, readLlmSpec } from "./llm-task.ts";
import { tooDeepAt } from "./nesting.ts";
import { readSchedules } from "./schedules.ts";
import { checkSweepLinks, sweepCheck, sweepParamNames } from "./sweep-field.ts";
import { readSource } from "./yaml-source.ts";

export type PlanValidationResult = { ok: true; plan: PlanDefinition } | { ok: false; issues: PlanIssue[] };

export interface PlanTextOptions {
  /** What the text is expected to be. Only a hint: YAML reads JSON too. */
  format?: "yaml" | "json";
  /** Reads a document given by `path` (relative to the plan file). Default none: such documents are issues. */
  readDocument?: DocumentReader;
}

const ROOT_FIELDS = [
  "plan",
  "name",
  "goal",
  "index",
  "params",
  "defaults",
  "tasks",
  "documents",
  "notes",
  "schedules",
] as const;
const DEFAULTS_FIELDS = ["retries", "timeout", "queue", "priority", "output", "env", "cwd"] as const;
const COMMON_TASK_FIELDS = [
  "name",
  "kind",
  "params",
  "requires",
  "refers",
  "duplicates",
  "relatesTo",
  "parent",
  "priority",
  "queue",
  "retries",
  "timeout",
  "output",
  ...CONCURRENCY_FIELDS,
  "cache",
  "sweep",
] as const;
const KIND_FIELDS: Readonly<Record<TaskKind, readonly string[]>> = {
  shell: ["run", "env", "cwd"],
  http: ["method", "url", "headers", "body"],
  noop: ["result"],
  llm: LLM_TASK_FIELDS,
  function: FUNCTION_TASK_FIELDS,
  approval: APPROVAL_TASK_FIELDS,
};
const ALL_TASK_FIELDS = new Set<string>([...COMMON_TASK_FIELDS, ...Object.values(KIND_FIELDS).flat()]);
const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

const slugCheck = fromZod(
  z
    .string()
    .min(1)
    .max(MAX_SLUG_LENGTH)
    .regex(
      SLUG_PATTERN,
      "must be a slug: lowercase letters, digits and `-`, starting with a letter or digit",
    ),
);
const kindCheck = fromZod(z.enum(TASK_KINDS));
const methodCheck = fromZod(z.enum(HTTP_METHODS));

type RetryOverrides = Partial<RetryPolicy>;

const retriesSchema = z
  .strictObject({
    max: z.int().min(0),
    backoff: z.enum(["fixed", "exponential"]),
    delay: z.unknown(),
    maxDelay: z.unknown(),
    jitter: z.number().min(0).max(1),
  })
  .partial();

/** A partial retry policy, `{ max, backoff, delay, maxDelay, jitter }` in the file. */
const retriesCheck: Check<RetryOverrides> = (value, path, issues) => {
  const before = issues.count;
  const parsed = fromZod(retriesSchema)(value, path, issues);
  if (parsed === undefined) {
    // Still report bad durations alongside the other problems of the same mapping.
    if (isPlainObject(value)) {
      for (const key of ["delay", "maxDelay"]) readField(value, key, path, durationCheck, issues);
    }
    return undefined;
  }
  const overrides: RetryOverrides = {};
  if (parsed.max !== undefined) overrides.max = parsed.max;
  if (parsed.backoff !== undefined) overrides.backoff = parsed.backoff;
  if (parsed.jitter !== undefined) overrides.jitter = parsed.jitter === 0 ? 0 : parsed.jitter;
  const delay =
    parsed.delay === undefined ? undefined : durationCheck(parsed.delay, [...path, "delay"], issues);
  if (delay !== undefined) overrides.delayMs = delay;
  const maxDelay =
    parsed.maxDelay === undefined ? undefined : durationCheck(parsed.maxDelay, [...path, "maxDelay"], issues);
  if (maxDelay !== undefined) overrides.maxDelayMs = maxDelay;
  return issues.count === before ? overrides : undefined;
};

/** `run`: a non-empty string (sh -c) or a non-empty argv list of strings. */
const runCheck: Check<string | string[]> = (value, path, issues) => {
  if (typeof value === "string") {
    if (value.trim() !== "") return value;
    issues.add(path, "must not be empty", "too_small");
    return undefined;
  }
  if (!Array.isArray(value)) {
    issues.add(
      path,
      `expected a command string or a list of strings (argv), got ${describeValue(value)}`,
      "invalid_type",
    );
    return undefined;
  }
  const before = issues.count;
  if (value.length === 0) issues.add(path, "must not be empty", "too_small");
  const argv: string[] = [];
  value.forEach((item: unknown, index) => {
    if (typeof item === "string") argv.push(item);
    else issues.add([...path, index], `expected a string, got ${describeValue(item)}`, "invalid_type");
  });
  if (typeof value[0] === "string" && value[0] === "")
    issues.add([...path, 0], "the program must not be empty", "too_small");
  return issues.count === before ? argv : undefined;
};

/** `body`: a string, null, or a mapping/list sent as JSON text. */
const bodyCheck: Check<string | null> = (value, path, issues) => {
  if (value === null || typeof value === "string") return value;
  if (Array.isArray(value) || isPlainObject(value)) {
    if (isJsonValue(value)) return JSON.stringify(value);
    issues.add(
      path,
      "the body must be JSON-compatible (no special numbers or non-plain values)",
      "invalid_value",
    );
    return undefined;
  }
  issues.add(
    path,
    `expected a string, or a mapping or list sent as JSON, got ${describeValue(value)}`,
    "invalid_type",
  );
  return undefined;
};

const urlCheck: Check<string> = (value, path, issues) => {
  const url = nonEmptyStringCheck(value, path, issues);
  if (url === undefined || templateReferences(url).length > 0 || url.includes("{{")) return url;
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol === "http:" || protocol === "https:") return url;
  issues.add(path, `invalid URL \`${url}\` (expected an http:// or https:// URL)`, "invalid_url");
  return undefined;
};

const resultCheck: Check<unknown> = (value, path, issues) => {
  if (isJsonValue(value)) return JSON.parse(JSON.stringify(value)) as unknown;
  issues.add(
    path,
    "`result` must be a JSON value (null, boolean, number, string, list or mapping)",
    "invalid_value",
  );
  return undefined;
};

interface DefaultsDraft {
  retries: RetryOverrides;
  timeout: number | null | undefined;
  queue: string | undefined;
  priority: number | undefined;
  output: "text" | "json" | undefined;
  env: Record<string, string>;
  cwd: string | null | undefined;
}

interface TaskDraft {
  key: string;
  /** Undefined when the kind is invalid. */
  kind: TaskKind | undefined;
  name: string | undefined;
  params: Record<string, ParamValue> | undefined;
  /** Undefined when `params` is present but not a mapping: param references cannot be checked then. */
  paramNames: Set<string> | undefined;
  requires: string[] | undefined;
  requiresValid: boolean;
  refers: string[] | undefined;
  duplicates: string[] | undefined;
  relatesTo: string[] | undefined;
  parent: string | undefined;
  priority: number | undefined;
  queue: string | undefined;
  retries: RetryOverrides | undefined;
  hasTimeout: boolean;
  timeout: number | null | undefined;
  output: "text" | "json" | undefined;
  concurrency: ConcurrencyPolicy | undefined;
  cache: TaskCache | undefined;
  sweep: SweepPolicy | undefined;
  run: string | string[] | undefined;
  env: Record<string, string> | undefined;
  hasCwd: boolean;
  cwd: string | null | undefined;
  method: HttpSpec["method"] | undefined;
  url: string | undefined;
  headers: Record<string, string> | undefined;
  body: string | null | undefined;
  result: unknown;
  llm: LlmSpec | undefined;
  function: FunctionSpec | undefined;
  approval: ApprovalSpec | undefined;
}

function unknownFieldMessage(field: string): string {
  return `unknown field \`${field}\``;
}

function namesOf(value: unknown): Set<string> | undefined {
  if (value === undefined) return new Set();
  return isPlainObject(value) ? new Set(Object.keys(value)) : undefined;
}

function readDefaults(value: unknown, issues: IssueCollector): DefaultsDraft {
  const draft: DefaultsDraft = {
    retries: {},
    timeout: undefined,
    queue: undefined,
    priority: undefined,
    output: undefined,
    env: {},
    cwd: undefined,
  };
  if (value === undefined) return draft;
  const path = ["defaults"];
  if (!isPlainObject(value)) {
    issues.add(path, `expected a mapping, got ${describeValue(value)}`, "invalid_type");
    return draft;
  }
  for (const field of Object.keys(value)) {
    if ((DEFAULTS_FIELDS as readonly string[]).includes(field)) continue;
    if (ALL_TASK_FIELDS.has(field)) {
      const message = `field \`${field}\` is not valid in defaults (allowed: ${DEFAULTS_FIELDS.join(", ")})`;
      issues.add([...path, field], message, "field_not_allowed");
    } else {
      issues.add([...path, field], unknownFieldMessage(field), "unknown_field");
    }
  }
  draft.retries = readField(value, "retries", path, retriesCheck, issues) ?? {};
  const timeout = own(value, "timeout");
  if (timeout !== undefined) draft.timeout = timeoutCheck(timeout, [...path, "timeout"], issues);
  draft.queue = readField(value, "queue", path, nonEmptyStringCheck, issues);
  draft.priority = readField(value, "priority", path, integerCheck, issues);
  draft.output = readField(value, "output", path, outputModeCheck, issues);
  draft.env = readField(value, "env", path, envCheck, issues) ?? {};
  const cwd = own(value, "cwd");
  if (cwd !== undefined) draft.cwd = cwd === null ? null : nonEmptyStringCheck(cwd, [...path, "cwd"], issues);
  return draft;
}

function readTask(key: string, value: unknown, issues: IssueCollector): TaskDraft | undefined {
  const path = ["tasks", key];
  if (isReservedName(key)) {
    issues.add(path, `task key \`${key}\` is reserved`, "reserved");
  } else if (!TASK_KEY_PATTERN.test(key)) {
    issues.add(
      path,
      `invalid task key \`${key}\`: use lowercase letters, digits, \`_\` and \`-\``,
      "invalid_key",
    );
  }
  if (!isPlainObject(value)) {
    issues.add(path, `a task must be a mapping, got ${describeValue(value)}`, "invalid_type");
    return undefined;
  }

  const rawKind = own(value, "kind");
  const kind: TaskKind | undefined =
    rawKind === undefined ? "shell" : kindCheck(rawKind, [...path, "kind"], issues);

  for (const field of Object.keys(value)) {
    if ((COMMON_TASK_FIELDS as readonly string[]).includes(field)) continue;
    // A field two kinds share (`prompt`: llm and approval) belongs to the task's own kind first.
    if (kind !== undefined && KIND_FIELDS[kind].includes(field)) continue;
    const owner = TASK_KINDS.find((candidate) => KIND_FIELDS[candidate].includes(field));
    if (owner === undefined) issues.add([...path, field], unknownFieldMessage(field), "unknown_field");
    else if (kind !== undefined && owner !== kind) {
      issues.add([...path, field], `field \`${field}\` is not valid for kind ${kind}`, "field_not_allowed");
    }
  }

  const requiresBefore = issues.count;
  const requires = readField(value, "requires", path, stringListCheck, issues);
  const requiresValid = issues.count === requiresBefore;
  const rawTimeout = own(value, "timeout");
  const rawCwd = own(value, "cwd");
  const draft: TaskDraft = {
    key,
    kind,
    name: readField(value, "name", path, nonEmptyStringCheck, issues),
    params: readField(value, "params", path, paramsCheck, issues),
    paramNames: namesOf(own(value, "params")),
    requires,
    requiresValid,
    refers: readField(value, "refers", path, stringListCheck, issues),
    duplicates: readField(value, "duplicates", path, stringListCheck, issues),
    relatesTo: readField(value, "relatesTo", path, stringListCheck, issues),
    parent: readField(value, "parent", path, nonEmptyStringCheck, issues),
    priority: readField(value, "priority", path, integerCheck, issues),
    queue: readField(value, "queue", path, nonEmptyStringCheck, issues),
    retries: readField(value, "retries", path, retriesCheck, issues),
    hasTimeout: rawTimeout !== undefined,
    timeout: rawTimeout === undefined ? undefined : timeoutCheck(rawTimeout, [...path, "timeout"], issues),
    output: readField(value, "output", path, outputModeCheck, issues),
    concurrency: readConcurrency(value, key, path, issues),
    cache: readField(value, "cache", path, cacheCheck, issues),
    sweep: readField(value, "sweep", path, sweepCheck, issues),
    run: undefined,
    env: undefined,
    hasCwd: false,
    cwd: undefined,
    method: undefined,
    url: undefined,
    headers: undefined,
    body: undefined,
    result: null,
    llm: undefined,
    function: undefined,
    approval: undefined,
  };

  // A sweep that could not be read sets params nobody knows: its task's param references go unchecked.
  if (own(value, "sweep") !== undefined && draft.sweep === undefined) draft.paramNames = undefined;
  addSweepParams(draft, path, issues);

  switch (kind) {
    case "shell":
      if (own(value, "run") === undefined) {
        issues.add(path, "missing required field `run` (for kind shell)", "required", "run");
      }
      draft.run = readField(value, "run", path, runCheck, issues);
      draft.env = readField(value, "env", path, envCheck, issues);
      draft.hasCwd = rawCwd !== undefined;
      if (rawCwd !== undefined) {
        draft.cwd = rawCwd === null ? null : nonEmptyStringCheck(rawCwd, [...path, "cwd"], issues);
      }
      break;
    case "http":
      if (own(value, "url") === undefined) {
        issues.add(path, "missing required field `url` (for kind http)", "required", "url");
      }
      draft.method = readField(value, "method", path, methodCheck, issues);
      draft.url = readField(value, "url", path, urlCheck, issues);
      draft.headers = readField(value, "headers", path, headersCheck, issues);
      if (own(value, "body") !== undefined)
        draft.body = bodyCheck(own(value, "body"), [...path, "body"], issues);
      break;
    case "noop":
      if (own(value, "result") !== undefined) {
        draft.result = resultCheck(own(value, "result"), [...path, "result"], issues);
      }
      break;
    case "llm":
      draft.llm = readLlmSpec(value, path, issues);
      break;
    case "function":
      draft.function = readFunctionSpec(value, path, issues);
      break;
    case "approval":
      draft.approval = readApprovalSpec(value, path, draft.timeout, issues);
      break;
    case undefined:
      break;
  }
  return draft;
}

/**
 * A swept task's templates may use the sweep's params like declared ones (unknown names with `itemsFrom`, so
 * those are not checked), and `maxParallel` is a concurrency key of its own: it cannot be combined with one.
 * An approval cannot be swept: approvals are parked when they become runnable, which points never go through.
 */
function addSweepParams(draft: TaskDraft, path: DocPath, issues: IssueCollector): void {
  if (draft.sweep === undefined) return;
  if (draft.kind === "approval") {
    issues.add(
      [...path, "sweep"],
      "an approval task cannot be swept: a person decides it once (sweep the tasks that require it instead)",
      "invalid_value",
    );
  }
  const names = sweepParamNames(draft.sweep);
  draft.paramNames =
    names === undefined || draft.paramNames === undefined
      ? undefined
      : new Set([...draft.paramNames, ...names]);
  if (draft.sweep.maxParallel !== null && draft.concurrency !== undefined) {
    issues.add(
      [...path, "sweep", "maxParallel"],
      "`sweep.maxParallel` is the points' concurrency limit: it cannot be combined with `concurrencyKey` or `exclusive`",
      "invalid_value",
    );
  }
}

function checkLinks(task: TaskDraft, taskKeys: Set<string>, issues: IssueCollector): void {
  if (task.sweep !== undefined && task.requiresValid) checkSweepLinks(task, issues);
  for (const linkKind of ["requires", "refers", "duplicates", "relatesTo"] as const) {
    const list = task[linkKind];
    if (list === undefined) continue;
    const seen = new Set<string>();
    list.forEach((upstream, index) => {
      const path = ["tasks", task.key, linkKind, index];
      if (upstream === task.key) {
        issues.add(
          path,
          linkKind === "requires"
            ? `task \`${task.key}\` requires itself`
            : linkKind === "refers"
              ? `task \`${task.key}\` refers to itself`
              : `task \`${task.key}\` lists itself in ${linkKind}`,
          "self_reference",
        );
      } else if (!taskKeys.has(upstream)) {
        issues.add(path, `unknown task \`${upstream}\` in ${linkKind}`, "unknown_task");
      } else if (seen.has(upstream)) {
        issues.add(path, `duplicate task \`${upstream}\` in ${linkKind}`, "duplicate_link");
      }
      seen.add(upstream);
    });
  }
}

interface TemplateField {
  path: DocPath;
  text: string;
  /** Set when the text comes from `defaults`, to say which task it was checked for. */
  inherited: boolean;
}

function templatedFields(task: TaskDraft, defaults: DefaultsDraft): TemplateField[] {
  const base = ["tasks", task.key];
  const fields: TemplateField[] = [];
  const add = (path: DocPath, text: string | null | undefined): void => {
    if (typeof text === "string") fields.push({ path: [...base, ...path], text, inherited: false });
  };
  if (task.concurrency !== undefined && !task.concurrency.exclusive)
    add(["concurrencyKey"], task.concurrency.key);
  add(["cache", "key"], task.cache?.key);
  switch (task.kind) {
    case "shell": {
      if (typeof task.run === "string") add(["run"], task.run);
      else if (task.run !== undefined) {
        for (const [index, arg] of task.run.entries()) add(["run", index], arg);
      }
      const env = task.env ?? {};
      for (const [name, text] of Object.entries(env)) add(["env", name], text);
      for (const [name, text] of Object.entries(defaults.env)) {
        if (!Object.hasOwn(env, name))
          fields.push({ path: ["defaults", "env", name], text, inherited: true });
      }
      if (task.hasCwd) add(["cwd"], task.cwd);
      else if (typeof defaults.cwd === "string") {
        fields.push({ path: ["defaults", "cwd"], text: defaults.cwd, inherited: true });
      }
      break;
    }
    case "http":
      add(["url"], task.url);
      for (const [name, text] of Object.entries(task.headers ?? {})) add(["headers", name], text);
      add(["body"], task.body);
      break;
    case "llm":
      for (const field of task.llm ? llmTemplatedFields(task.llm) : []) add(field.path, field.text);
      break;
    case "function":
      for (const field of task.function ? functionTemplatedFields(task.function) : [])
        add(field.path, field.text);
      break;
    case "noop":
    case "approval":
    case undefined:
      break;
  }
  return fields;
}

/** Template problems found in `defaults`, reported once with every task that inherits them. */
type InheritedProblems = Map<string, { path: DocPath; message: string; tasks: string[] }>;

function checkTemplates(
  task: TaskDraft,
  defaults: DefaultsDraft,
  planParamNames: Set<string> | undefined,
  issues: IssueCollector,
  inherited: InheritedProblems,
  swept?: ReadonlySet<string>,
): void {
  const required = new Set(task.requires ?? []);
  for (const field of templatedFields(task, defaults)) {
    const report = (message: string): void => {
      if (!field.inherited) {
        issues.add(field.path, message, "template");
        return;
      }
      const id = JSON.stringify([field.path, message]);
      const entry = inherited.get(id);
      if (entry === undefined) inherited.set(id, { path: field.path, message, tasks: [task.key] });
      else entry.tasks.push(task.key);
    };
    for (const reference of templateReferences(field.text)) {
      switch (reference.type) {
        case "param":
          if (planParamNames === undefined || task.paramNames === undefined) break;
          if (!planParamNames.has(reference.name) && !task.paramNames.has(reference.name)) {
            report(
              `{{${reference.raw}}} refers to param \`${reference.name}\`, which is declared neither in the plan's params nor in this task's params`,
            );
          }
          break;
        case "task-output":
        case "task-output-field":
          if (!task.requiresValid || required.has(reference.key)) break;
          report(`{{${reference.raw}}} refers to \`${reference.key}\`, which this task does not require`);
          break;
        case "task-outputs":
          if (!task.requiresValid) break;
          if (!required.has(reference.key))
            report(`{{${reference.raw}}} refers to \`${reference.key}\`, which this task does not require`);
          else if (swept !== undefined && !swept.has(reference.key))
            report(
              `{{${reference.raw}}}: \`${reference.key}\` has no \`sweep\`; use {{tasks.${reference.key}.output}}`,
            );
          break;
        case "run-id":
        case "plan-slug":
          break;
        case "unknown":
          report(`unknown template reference {{${reference.raw}}}`);
          break;
      }
    }
  }
}

function reportInherited(inherited: InheritedProblems, issues: IssueCollector): void {
  for (const { path, message, tasks } of inherited.values()) {
    const names = tasks.map((key) => `\`${key}\``).join(", ");
    issues.add(path, `${message} (inherited by task${tasks.length === 1 ? "" : "s"} ${names})`, "template");
  }
}

function buildSpec(task: TaskDraft, kind: TaskKind, defaults: DefaultsDraft): TaskSpec {
  switch (kind) {
    case "shell":
      return {
        kind,
        run: Array.isArray(task.run) ? [...task.run] : (task.run ?? ""),
        env: { ...defaults.env, ...task.env },
        cwd: task.hasCwd ? (task.cwd ?? null) : (defaults.cwd ?? null),
      };
    case "http":
      return {
        kind,
        method: task.method ?? "GET",
        url: task.url ?? "",
        headers: { ...task.headers },
        body: task.body ?? null,
      };
    case "noop":
      return { kind, output: task.result ?? null };
    case "llm":
      if (task.llm === undefined) throw new Error(`llm task ${task.key} has no spec`);
      return task.llm;
    case "function":
      if (task.function === undefined) throw new Error(`function task ${task.key} has no spec`);
      return task.function;
    case "approval":
      if (task.approval === undefined) throw new Error(`approval task ${task.key} has no spec`);
      return task.approval;
  }
}

function buildTask(task: TaskDraft, kind: TaskKind, defaults: DefaultsDraft): TaskDefinition {
  return {
    key: task.key,
    name: task.name ?? task.key,
    kind,
    spec: buildSpec(task, kind, defaults),
    params: { ...task.params },
    requires: [...(task.requires ?? [])],
    refers: [...(task.refers ?? [])],
    priority: task.priority ?? defaults.priority ?? 0,
    queue: task.queue ?? defaults.queue ?? DEFAULT_QUEUE,
    retry: { ...DEFAULT_RETRY_POLICY, ...defaults.retries, ...task.retries },
    // An approval's `timeout` is how long it waits (its spec's `timeoutMs`); nothing of it runs.
    timeoutMs:
      kind === "approval" ? null : task.hasTimeout ? (task.timeout ?? null) : (defaults.timeout ?? null),
    output: task.output ?? defaults.output ?? "text",
    ...(task.duplicates?.length ? { duplicates: [...task.duplicates] } : {}),
    ...(task.relatesTo?.length ? { relatesTo: [...task.relatesTo] } : {}),
    ...(task.concurrency !== undefined ? { concurrency: { ...task.concurrency } } : {}),
    ...(task.parent !== undefined ? { parent: task.parent } : {}),
    ...(task.cache ? { cache: { ...task.cache } } : {}),
    ...(task.sweep ? { sweep: structuredClone(task.sweep) } : {}),
  };
}

/**
 * `parent` names another task of the plan, and following parents never comes back to where it started.
 * One issue per loop, on the first of its tasks in plan order.
 */
function checkParents(drafts: readonly TaskDraft[], taskKeys: Set<string>, issues: IssueCollector): void {
  const parentOf = new Map<string, string>();
  for (const draft of drafts) {
    if (draft.parent === undefined) continue;
    const path = ["tasks", draft.key, "parent"];
    if (draft.parent === draft.key)
      issues.add(path, `task \`${draft.key}\` is its own parent`, "self_reference");
    else if (!taskKeys.has(draft.parent))
      issues.add(path, `unknown task \`${draft.parent}\` in parent`, "unknown_task");
    else parentOf.set(draft.key, draft.parent);
  }
  // Each task is walked once: a walk stops at a task an earlier walk finished, or at one on its own path.
  const finished = new Set<string>();
  for (const draft of drafts) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let at: string | undefined = draft.key;
    while (at !== undefined && !finished.has(at) && !onPath.has(at)) {
      path.push(at);
      onPath.add(at);
      at = parentOf.get(at);
    }
    if (at !== undefined && onPath.has(at)) {
      const loop = path.slice(path.indexOf(at));
      issues.add(
        ["tasks", loop[0] ?? draft.key, "parent"],
        `parent cycle: ${[...loop, at].join(" -> ")}`,
        "cycle",
      );
    }
    for (const key of path) finished.add(key);
  }
}

/** Validates a plan document already read into JS values; returns the definition when there is no issue. */
function validateDocument(
  value: unknown,
  issues: IssueCollector,
  taskOrder: readonly string[] | undefined,
  readDocument?: DocumentReader,
): PlanDefinition | undefined {
  if (value === null || value === undefined) {
    issues.add([], "the plan file is empty", "empty");
    return undefined;
  }
  const deep = tooDeepAt(value, MAX_NESTING_DEPTH);
  if (deep !== undefined) {
    // Where the deep value starts (`tasks.a.result`), not the 64 segments down to where it passes the limit.
    issues.add(
      deep.slice(0, 3),
      `nested more than ${MAX_NESTING_DEPTH} levels deep (the plan-file limit), or an alias that contains itself`,
      "too_deep",
    );
    return undefined;
  }
  if (!isPlainObject(value)) {
    issues.add(
      [],
      `the plan file must be a mapping at the top level, got ${describeValue(value)}`,
      "invalid_type",
    );
    return undefined;
  }
  for (const field of Object.keys(value)) {
    if (!(ROOT_FIELDS as readonly string[]).includes(field)) {
      issues.add([field], unknownFieldMessage(field), "unknown_field");
    }
  }

  if (own(value, "plan") === undefined) {
    issues.add([], "missing required field `plan` (the plan's slug)", "required", "plan");
  }
  const slug = readField(value, "plan", [], slugCheck, issues);
  const name = readField(value, "name", [], nonEmptyStringCheck, issues);
  const goal = readField(value, "goal", [], stringCheck, issues);
  const index = readField(value, "index", [], stringCheck, issues);
  const params = readField(value, "params", [], paramsCheck, issues);
  const planParamNames = namesOf(own(value, "params"));
  const defaults = readDefaults(own(value, "defaults"), issues);
  const documents = readDocuments(own(value, "documents"), issues, readDocument);
  const notes = readNotes(own(value, "notes"), issues);

  const rawTasks = own(value, "tasks");
  if (rawTasks === undefined) {
    issues.add([], "missing required field `tasks`", "required", "tasks");
    return undefined;
  }
  if (!isPlainObject(rawTasks)) {
    issues.add(
      ["tasks"],
      `expected a mapping of task keys to tasks, got ${describeValue(rawTasks)}`,
      "invalid_type",
    );
    return undefined;
  }

  const keys = Object.keys(rawTasks);
  if (taskOrder !== undefined) {
    const position = new Map(taskOrder.map((key, at) => [key, at]));
    // Keys missing from the order (never, in practice) go last: Infinity - Infinity is NaN, hence `|| 0`.
    keys.sort((a, b) => (position.get(a) ?? Infinity) - (position.get(b) ?? Infinity) || 0);
  }
  const taskKeys = new Set(keys);
  const drafts: TaskDraft[] = [];
  for (const key of keys) {
    const draft = readTask(key, rawTasks[key], issues);
    if (draft !== undefined) drafts.push(draft);
  }

  const inherited: InheritedProblems = new Map();
  // Tasks whose sweep could not be read count as swept, so that one problem gives one issue.
  const swept = new Set(
    drafts
      .filter(
        (draft) =>
          draft.sweep !== undefined ||
          own(rawTasks[draft.key] as Record<string, unknown>, "sweep") !== undefined,
      )
      .map((draft) => draft.key),
  );
  for (const draft of drafts) {
    checkLinks(draft, taskKeys, issues);
    checkTemplates(draft, defaults, planParamNames, issues, inherited, swept);
  }
  reportInherited(inherited, issues);
  checkParents(drafts, taskKeys, issues);
  const declared: DeclaredItems = {
    tasks: taskKeys,
    // Every declared key, even of a document that failed to read: one problem, one issue.
    documents: namesOf(own(value, "documents")) ?? new Set(),
    notes: new Set(Object.keys(notes ?? {})),
  };
  for (const draft of drafts) {
    for (const field of ["pin", "exclude"] as const) {
      const refs = draft.llm?.[field] ?? [];
      checkItemRefs(refs, ["tasks", draft.key, field], draft.key, declared, issues);
    }
  }

  const edges: [string, string][] = [];
  for (const draft of drafts) {
    for (const upstream of draft.requires ?? []) {
      if (upstream !== draft.key && taskKeys.has(upstream)) edges.push([upstream, draft.key]);
    }
  }
  const cycle = findCycle(keys, edges);
  const first = cycle?.[0];
  if (cycle !== null && first !== undefined)
    issues.add(["tasks", first, "requires"], `cycle: ${cycle.join(" -> ")}`, "cycle");

  const schedules = readSchedules(
    own(value, "schedules"),
    declaredParamNames(planParamNames, drafts),
    issues,
  );

  if (issues.count > 0 || slug === undefined) return undefined;
  const tasks: TaskDefinition[] = [];
  for (const draft of drafts) {
    if (draft.kind === undefined) return undefined;
    tasks.push(buildTask(draft, draft.kind, defaults));
  }
  return {
    slug,
    name: name ?? slug,
    goal: goal ?? "",
    index: index ?? "",
    params: { ...params },
    tasks,
    ...(documents?.length ? { documents } : {}),
    ...(notes && Object.keys(notes).length > 0 ? { notes } : {}),
    ...(schedules !== undefined && schedules.length > 0 ? { schedules } : {}),
  };
}

/** The params a schedule may set: the plan's and every task's (undefined when some could not be read). */
function declaredParamNames(
  planNames: Set<string> | undefined,
  drafts: TaskDraft[],
): Set<string> | undefined {
  if (planNames === undefined) return undefined;
  const names = new Set(planNames);
  for (const draft of drafts) {
    if (draft.paramNames === undefined) return undefined;
    for (const name of draft.paramNames) names.add(name);
  }
  return names;
}

function result(plan: PlanDefinition | undefined, issues: IssueCollector): PlanValidationResult {
  if (plan !== undefined && issues.count === 0) return { ok: true, plan };
  if (issues.count === 0) issues.add([], "the plan is invalid", "invalid");
  return { ok: false, issues: issues.sorted() };
}

/**
 * Validates an already-parsed plan document (from `JSON.parse`, a form, an API call). Issues carry paths but
 * no line numbers. Never throws.
 */
export function validatePlanObject(
  value: unknown,
  options: Pick<PlanTextOptions, "readDocument"> = {},
): PlanValidationResult {
  const issues = new IssueCollector();
  return result(validateDocument(value, issues, undefined, options.readDocument), issues);
}

/**
 * Validates the text of a plan file, YAML or JSON. Every problem is reported with its path and 1-based line.
 * Never throws: empty, unreadable or non-mapping documents give issues.
 */
export function validatePlanText(text: string, options: PlanTextOptions = {}): PlanValidationResult {
  const source = readSource(text);
  if (source.fatal && options.format === "json") {
    // The few JSON texts YAML cannot read (e.g. tab indentation) still validate, without line numbers.
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (parsed !== undefined) return validatePlanObject(parsed, options);
  }
  const issues = new IssueCollector(source.locate);
  for (const error of source.errors) {
    issues.push(error.path, error.message, error.code, error.line, error.column);
  }
  const plan = source.fatal
    ? undefined
    : validateDocument(source.value, issues, source.taskOrder, options.readDocument);
  return result(plan, issues);
}

/** Like `validatePlanText`, but returns the definition or throws `PlanValidationError` with every issue. */
export function parsePlanText(text: string, options: PlanTextOptions = {}): PlanDefinition {
  const outcome = validatePlanText(text, options);
  if (!outcome.ok) throw new PlanValidationError(outcome.issues);
  return outcome.plan;
}

/** Like `validatePlanObject`, but returns the definition or throws `PlanValidationError` with every issue. */
export function parsePlanObject(
  value: unknown,
  options: Pick<PlanTextOptions, "readDocument"> = {},
): PlanDefinition {
  const outcome = validatePlanObject(value, options);
  if (!outcome.ok) throw new PlanValidationError(outcome.issues);
  return outcome.plan;
}
