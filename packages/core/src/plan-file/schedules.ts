import { z } from "zod";
import { PlanValidationError } from "../errors.ts";
import {
  cronProblem,
  MISSED_POLICIES,
  OVERLAP_POLICIES,
  parseAtTime,
  type ScheduleDefinition,
  type ScheduleRule,
  timezoneProblem,
} from "../schedules.ts";
import type { ParamValue, PlanDefinition } from "../types.ts";
import { type Check, durationCheck, fromZod, own, paramsCheck, readField, stringCheck } from "./checks.ts";
import { formatDuration } from "./duration.ts";
import { type DocPath, describeValue, IssueCollector, isPlainObject } from "./issues.ts";

/**
 * The plan file's `schedules:` list: each entry starts runs of this plan by a `cron`, `every` or `at` rule.
 *
 * ```yaml
 * schedules:
 *   - name: nightly
 *     cron: "0 2 * * *"        # 5 fields, or 6 with seconds first
 *     timezone: Europe/Paris  # default UTC
 *     params: { target: prod }
 *     missed: catchup-one     # skip (default) | catchup-one | catchup-all (at most 100 runs)
 *     overlap: skip           # skip (default) | allow | queue
 *   - every: 10m
 *   - at: 2026-12-24T18:00:00
 * ```
 */

/** The fields a `schedules:` entry may have (a form places each issue by the first of its path). */
export const SCHEDULE_FIELDS = [
  "name",
  "cron",
  "every",
  "at",
  "timezone",
  "params",
  "missed",
  "overlap",
  "enabled",
] as const;
const RULE_FIELDS = ["cron", "every", "at"] as const;
/** `every` below one second would out-run the firing loop's tick. */
const MIN_EVERY_MS = 1000;
/** A year: longer intervals are better said with `cron` or `at` (and fire times stay far inside `Date`). */
const MAX_EVERY_MS = 366 * 24 * 3_600_000;
export const SCHEDULE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const nameCheck = fromZod(
  z
    .string()
    .max(100)
    .regex(
      SCHEDULE_NAME_PATTERN,
      "must be a name: letters, digits, `_`, `.` and `-`, starting with a letter or digit",
    ),
);
const missedCheck = fromZod(z.enum(MISSED_POLICIES));
const overlapCheck = fromZod(z.enum(OVERLAP_POLICIES));
const enabledCheck = fromZod(z.boolean());

const timezoneCheck: Check<string> = (value, path, issues) => {
  const text = stringCheck(value, path, issues);
  if (text === undefined) return undefined;
  const problem = timezoneProblem(text);
  if (problem === undefined) return text;
  issues.add(path, problem, "invalid_value");
  return undefined;
};

/** Reads one schedule's rule fields (exactly one of `cron`, `every`, `at`). */
function readRule(
  value: Record<string, unknown>,
  path: DocPath,
  timezone: string | null,
  issues: IssueCollector,
): ScheduleRule | undefined {
  const given = RULE_FIELDS.filter((field) => own(value, field) !== undefined);
  const [field] = given;
  if (field === undefined) {
    issues.add(path, "a schedule needs one of `cron`, `every` or `at`", "required", "cron");
    return undefined;
  }
  if (given.length > 1) {
    issues.add(
      [...path, given[1] ?? field],
      `a schedule has one rule: \`${given.join("` and `")}\` given`,
      "invalid",
    );
    return undefined;
  }
  const rulePath = [...path, field];
  const raw = own(value, field);
  if (field === "every") {
    if (timezone !== null) {
      issues.add([...path, "timezone"], "`timezone` applies to `cron` and `at` only", "field_not_allowed");
    }
    const everyMs = durationCheck(raw, rulePath, issues);
    if (everyMs === undefined) return undefined;
    if (everyMs < MIN_EVERY_MS) {
      issues.add(rulePath, "`every` must be at least 1s", "too_small");
      return undefined;
    }
    if (everyMs > MAX_EVERY_MS) {
      issues.add(
        rulePath,
        "`every` must be at most 8784h, a year (use `cron` or `at` for rarer runs)",
        "too_big",
      );
      return undefined;
    }
    return { kind: "every", everyMs };
  }
  // YAML reads an unquoted ISO time as text (the core schema has no timestamps); a Date still counts.
  const text = raw instanceof Date ? raw.toISOString() : stringCheck(raw, rulePath, issues);
  if (text === undefined) return undefined;
  if (field === "cron") {
    const problem = cronProblem(text, timezone);
    if (problem !== undefined) {
      issues.add(rulePath, problem, "invalid_value");
      return undefined;
    }
    return { kind: "cron", cron: text.trim(), timezone };
  }
  try {
    return { kind: "at", at: parseAtTime(text, timezone) };
  } catch (error) {
    issues.add(rulePath, error instanceof Error ? error.message : String(error), "invalid_value");
    return undefined;
  }
}

/** Reads one entry of `schedules:`; undefined after reporting its problems. */
export function readSchedule(
  value: unknown,
  path: DocPath,
  declaredParams: ReadonlySet<string> | undefined,
  issues: IssueCollector,
): ScheduleDefinition | undefined {
  if (!isPlainObject(value)) {
    issues.add(path, `expected a schedule mapping, got ${describeValue(value)}`, "invalid_type");
    return undefined;
  }
  const before = issues.count;
  for (const field of Object.keys(value)) {
    if (!(SCHEDULE_FIELDS as readonly string[]).includes(field))
      issues.add([...path, field], `unknown field \`${field}\``, "unknown_field");
  }
  const name = readField(value, "name", path, nameCheck, issues);
  const timezone = readField(value, "timezone", path, timezoneCheck, issues);
  const rule = readRule(value, path, timezone ?? null, issues);
  const params = readField(value, "params", path, paramsCheck, issues);
  if (params !== undefined && declaredParams !== undefined) {
    for (const param of Object.keys(params)) {
      if (!declaredParams.has(param))
        issues.add(
          [...path, "params", param],
          `unknown param \`${param}\`: declare it in the plan's \`params\``,
          "invalid_key",
        );
    }
  }
  const missed = readField(value, "missed", path, missedCheck, issues);
  const overlap = readField(value, "overlap", path, overlapCheck, issues);
  const enabled = readField(value, "enabled", path, enabledCheck, issues);
  if (issues.count > before || rule === undefined) return undefined;
  return {
    name: name ?? null,
    rule,
    params: { ...params },
    missed: missed ?? "skip",
    overlap: overlap ?? "skip",
    enabled: enabled ?? true,
  };
}

/**
 * Reads `schedules:` (absent = none). Names must be unique in the plan. `declaredParams`: every param the
 * plan or one of its tasks declares (undefined when they could not be read, to skip that check).
 */
export function readSchedules(
  value: unknown,
  declaredParams: ReadonlySet<string> | undefined,
  issues: IssueCollector,
): ScheduleDefinition[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    issues.add(["schedules"], `expected a list of schedules, got ${describeValue(value)}`, "invalid_type");
    return undefined;
  }
  const schedules: ScheduleDefinition[] = [];
  const names = new Set<string>();
  value.forEach((entry: unknown, index) => {
    const schedule = readSchedule(entry, ["schedules", index], declaredParams, issues);
    if (schedule === undefined) return;
    if (schedule.name !== null) {
      if (names.has(schedule.name))
        issues.add(
          ["schedules", index, "name"],
          `duplicate schedule name \`${schedule.name}\``,
          "invalid_value",
        );
      names.add(schedule.name);
    }
    schedules.push(schedule);
  });
  return schedules;
}

/** One schedule in plan-file form: fields equal to their defaults are left out. */
export function scheduleToDocument(schedule: ScheduleDefinition): Record<string, unknown> {
  const document: Record<string, unknown> = {};
  if (schedule.name !== null) document.name = schedule.name;
  const { rule } = schedule;
  if (rule.kind === "cron") {
    document.cron = rule.cron;
    if (rule.timezone !== null) document.timezone = rule.timezone;
  } else if (rule.kind === "every") {
    document.every = formatDuration(rule.everyMs);
  } else {
    document.at = new Date(rule.at).toISOString();
  }
  if (Object.keys(schedule.params).length > 0)
    document.params = { ...schedule.params } as Record<string, ParamValue>;
  if (schedule.missed !== "skip") document.missed = schedule.missed;
  if (schedule.overlap !== "skip") document.overlap = schedule.overlap;
  if (!schedule.enabled) document.enabled = false;
  return document;
}

/** Every param a run of `plan` may set: the plan's and each task's. */
export function declaredParamsOf(plan: PlanDefinition): Set<string> {
  return new Set([...Object.keys(plan.params), ...plan.tasks.flatMap((task) => Object.keys(task.params))]);
}

/**
 * Validates one schedule given in plan-file form (from the CLI, the API or a form) against `plan`'s params.
 * Issues carry paths from the schedule (`cron`, `params.env`). Throws `PlanValidationError` with every issue.
 */
export function parseScheduleObject(value: unknown, plan: PlanDefinition): ScheduleDefinition {
  const issues = new IssueCollector();
  const schedule = readSchedule(value, [], declaredParamsOf(plan), issues);
  if (schedule === undefined || issues.count > 0) {
    if (issues.count === 0) issues.add([], "the schedule is invalid", "invalid");
    throw new PlanValidationError(issues.sorted());
  }
  return schedule;
}
