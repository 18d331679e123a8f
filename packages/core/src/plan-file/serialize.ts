import { Document, isMap, isSeq, parse, Scalar, stringify, visit } from "yaml";
import type { PlanDefinition, RetryPolicy, TaskDefinition, TaskSpec } from "../types.ts";
import { approvalSpecFile } from "./approval-task.ts";
import { concurrencyFile } from "./concurrency.ts";
import { DEFAULT_QUEUE, DEFAULT_RETRY_POLICY } from "./defaults.ts";
import { formatDuration } from "./duration.ts";
import { functionSpecFile } from "./function-task.ts";
import { llmSpecFile } from "./llm-task.ts";
import { scheduleToDocument } from "./schedules.ts";
import { sweepFile } from "./sweep-field.ts";

/** Values every task shares, written once under `defaults` instead of in each task. */
interface SharedDefaults {
  retry?: RetryPolicy;
  timeoutMs?: number;
  queue?: string;
  priority?: number;
  output?: "json";
}

function sameRetry(a: RetryPolicy, b: RetryPolicy): boolean {
  return (
    a.max === b.max &&
    a.backoff === b.backoff &&
    a.delayMs === b.delayMs &&
    a.maxDelayMs === b.maxDelayMs &&
    a.jitter === b.jitter
  );
}

/** The value every task has, when there are at least two tasks and they all agree; else undefined. */
function shared<T>(
  tasks: readonly TaskDefinition[],
  get: (task: TaskDefinition) => T,
  same: (a: T, b: T) => boolean,
) {
  const first = tasks[0];
  if (tasks.length < 2 || first === undefined) return undefined;
  const value = get(first);
  return tasks.every((task) => same(get(task), value)) ? value : undefined;
}

function sharedDefaults(tasks: readonly TaskDefinition[]): SharedDefaults {
  const result: SharedDefaults = {};
  const retry = shared(tasks, (task) => task.retry, sameRetry);
  if (retry !== undefined && !sameRetry(retry, DEFAULT_RETRY_POLICY)) result.retry = retry;
  const timeoutMs = shared(tasks, (task) => task.timeoutMs, Object.is);
  if (timeoutMs !== undefined && timeoutMs !== null) result.timeoutMs = timeoutMs;
  const queue = shared(tasks, (task) => task.queue, Object.is);
  if (queue !== undefined && queue !== DEFAULT_QUEUE) result.queue = queue;
  const priority = shared(tasks, (task) => task.priority, Object.is);
  if (priority !== undefined && priority !== 0) result.priority = priority;
  const output = shared(tasks, (task) => task.output, Object.is);
  if (output === "json") result.output = output;
  return result;
}

/** The retry fields that differ from the built-in policy, in file form. */
function retryFile(policy: RetryPolicy): Record<string, unknown> {
  const file: Record<string, unknown> = {};
  if (policy.max !== DEFAULT_RETRY_POLICY.max) file.max = policy.max;
  if (policy.backoff !== DEFAULT_RETRY_POLICY.backoff) file.backoff = policy.backoff;
  if (policy.delayMs !== DEFAULT_RETRY_POLICY.delayMs) file.delay = formatDuration(policy.delayMs);
  if (policy.maxDelayMs !== DEFAULT_RETRY_POLICY.maxDelayMs)
    file.maxDelay = formatDuration(policy.maxDelayMs);
  if (policy.jitter !== DEFAULT_RETRY_POLICY.jitter) file.jitter = policy.jitter;
  return file;
}

function isEmpty(record: Record<string, unknown>): boolean {
  return Object.keys(record).length === 0;
}

function specFile(spec: TaskSpec, file: Record<string, unknown>): void {
  switch (spec.kind) {
    case "shell":
      file.run = Array.isArray(spec.run) ? [...spec.run] : spec.run;
      if (!isEmpty(spec.env)) file.env = { ...spec.env };
      if (spec.cwd !== null) file.cwd = spec.cwd;
      break;
    case "http":
      file.kind = spec.kind;
      if (spec.method !== "GET") file.method = spec.method;
      file.url = spec.url;
      if (!isEmpty(spec.headers)) file.headers = { ...spec.headers };
      if (spec.body !== null) file.body = spec.body;
      break;
    case "noop":
      file.kind = spec.kind;
      if (spec.output !== null && spec.output !== undefined) file.result = spec.output;
      break;
    case "llm":
      llmSpecFile(spec, file);
      break;
    case "function":
      functionSpecFile(spec, file);
      break;
    case "approval":
      approvalSpecFile(spec, file);
      break;
  }
}

function taskFile(task: TaskDefinition, defaults: SharedDefaults): Record<string, unknown> {
  const file: Record<string, unknown> = {};
  if (task.name !== task.key) file.name = task.name;
  specFile(task.spec, file);
  if (!isEmpty(task.params)) file.params = { ...task.params };
  if (task.requires.length > 0) file.requires = [...task.requires];
  if (task.refers.length > 0) file.refers = [...task.refers];
  if (task.duplicates?.length) file.duplicates = [...task.duplicates];
  if (task.relatesTo?.length) file.relatesTo = [...task.relatesTo];
  if (task.parent !== undefined) file.parent = task.parent;
  if (defaults.priority === undefined && task.priority !== 0) file.priority = task.priority;
  if (defaults.queue === undefined && task.queue !== DEFAULT_QUEUE) file.queue = task.queue;
  if (defaults.retry === undefined) {
    const retries = retryFile(task.retry);
    if (!isEmpty(retries)) file.retries = retries;
  }
  if (defaults.timeoutMs === undefined && task.timeoutMs !== null)
    file.timeout = formatDuration(task.timeoutMs);
  if (defaults.output === undefined && task.output !== "text") file.output = task.output;
  Object.assign(file, concurrencyFile(task.concurrency));
  if (task.cache) file.cache = { key: task.cache.key, ttl: formatDuration(task.cache.ttlMs) };
  if (task.sweep) file.sweep = sweepFile(task.sweep);
  return file;
}

/** The plan file as plain values; `tasks` is a Map so that integer-like keys keep the task order. */
function planFile(plan: PlanDefinition): Record<string, unknown> {
  const file: Record<string, unknown> = { plan: plan.slug };
  if (plan.name !== plan.slug) file.name = plan.name;
  if (plan.goal !== "") file.goal = plan.goal;
  if (plan.index !== "") file.index = plan.index;
  if (!isEmpty(plan.params)) file.params = { ...plan.params };
  contextSections(plan, file);
  const defaults = sharedDefaults(plan.tasks);
  const defaultsFile: Record<string, unknown> = {};
  if (defaults.retry !== undefined) defaultsFile.retries = retryFile(defaults.retry);
  if (defaults.timeoutMs !== undefined) defaultsFile.timeout = formatDuration(defaults.timeoutMs);
  if (defaults.queue !== undefined) defaultsFile.queue = defaults.queue;
  if (defaults.priority !== undefined) defaultsFile.priority = defaults.priority;
  if (defaults.output !== undefined) defaultsFile.output = defaults.output;
  if (!isEmpty(defaultsFile)) file.defaults = defaultsFile;
  file.tasks = new Map(plan.tasks.map((task) => [task.key, taskFile(task, defaults)]));
  if (plan.schedules && plan.schedules.length > 0) file.schedules = plan.schedules.map(scheduleToDocument);
  return file;
}

/**
 * Documents (always inline `text`: a file read at import is part of the definition) and notes. A Map keeps
 * integer-like keys in order in the file; `plain` gives a plain object for `validatePlanObject`.
 */
function contextSections(plan: PlanDefinition, file: Record<string, unknown>, plain = false): void {
  if (plan.documents?.length) {
    const entries = plan.documents.map(
      (doc) =>
        [doc.key, doc.title === doc.key ? { text: doc.text } : { title: doc.title, text: doc.text }] as const,
    );
    file.documents = plain ? Object.fromEntries(entries) : new Map(entries);
  }
  if (plan.notes && !isEmpty(plan.notes)) file.notes = { ...plan.notes };
}

/** `doubleQuotedAsJSON`: the library's folded double-quoted form mangles some strings ("a\n \n "). */
const YAML_OPTIONS = { lineWidth: 0, flowCollectionPadding: false, doubleQuotedAsJSON: true } as const;

/**
 * Whether the yaml library writes `text` in a form that reads back unchanged. It does not always: a
 * whitespace-only multi-line string (" \n") comes out as a block scalar that reads back as "\n".
 * Strings that would not survive are written double-quoted (JSON-style escapes), which always does. So are
 * strings that YAML 1.1 readers (PyYAML, older tools) would take for something else: `2026-11-20`, `yes`.
 */
function survivesYaml(text: string): boolean {
  try {
    const written = stringify(text, YAML_OPTIONS);
    return parse(written) === text && parse(written, { schema: "yaml-1.1" }) === text;
  } catch {
    return false;
  }
}

function yamlText(file: Record<string, unknown>): string {
  const doc = new Document(file, { aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && !survivesYaml(node.value)) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  const tasks = doc.get("tasks", true);
  if (isMap(tasks)) {
    for (const pair of tasks.items) {
      if (!isMap(pair.value)) continue;
      for (const field of pair.value.items) {
        // Short lists and the retry policy read best on one line.
        if (
          (isSeq(field.value) || isMap(field.value)) &&
          ["requires", "refers", "duplicates", "relatesTo", "pin", "exclude", "retries", "cache"].includes(
            String(field.key),
          )
        ) {
          field.value.flow = true;
        }
      }
    }
  }
  const defaults = doc.get("defaults", true);
  if (isMap(defaults)) {
    const retries = defaults.get("retries", true);
    if (isMap(retries)) retries.flow = true;
  }
  return doc.toString(YAML_OPTIONS);
}

/** Pretty JSON (2 spaces) that keeps the order of Map entries. */
function jsonText(value: unknown, indent: string): string {
  const inner = `${indent}  `;
  if (value instanceof Map) {
    const entries = [...value.entries()];
    if (entries.length === 0) return "{}";
    const lines = entries.map(
      ([key, item]) => `${inner}${JSON.stringify(String(key))}: ${jsonText(item, inner)}`,
    );
    return `{\n${lines.join(",\n")}\n${indent}}`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((item: unknown) => `${inner}${jsonText(item, inner)}`).join(",\n")}\n${indent}]`;
  }
  if (typeof value === "object" && value !== null) {
    return jsonText(new Map(Object.entries(value)), indent);
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * Writes a plan definition as a plan file that parses back to a deeply-equal definition. Fields equal to
 * their defaults are left out; values every task shares (retries, timeout, queue, priority, `output: json`)
 * go under `defaults`; durations use `formatDuration`. Tasks keep their order.
 */
export function serializePlan(plan: PlanDefinition, format: "yaml" | "json"): string {
  const file = planFile(plan);
  return format === "json" ? `${jsonText(file, "")}\n` : yamlText(file);
}

/**
 * One task in plan-file form, every value explicit except those equal to the built-in defaults. This is what
 * an editor form shows and sends back; `validatePlanObject` turns it into a `TaskDefinition` again.
 */
export function taskToDocument(task: TaskDefinition): Record<string, unknown> {
  return taskFile(task, {});
}

/**
 * The plan in plan-file form as a plain object, with no `defaults` section (each task carries its own
 * values), so that a single task can be replaced and the whole plan re-validated.
 */
export function planToDocument(plan: PlanDefinition): Record<string, unknown> {
  const document: Record<string, unknown> = { plan: plan.slug };
  if (plan.name !== plan.slug) document.name = plan.name;
  if (plan.goal !== "") document.goal = plan.goal;
  if (plan.index !== "") document.index = plan.index;
  if (!isEmpty(plan.params)) document.params = { ...plan.params };
  contextSections(plan, document, true);
  document.tasks = Object.fromEntries(plan.tasks.map((task) => [task.key, taskToDocument(task)]));
  if (plan.schedules && plan.schedules.length > 0)
    document.schedules = plan.schedules.map(scheduleToDocument);
  return document;
}
