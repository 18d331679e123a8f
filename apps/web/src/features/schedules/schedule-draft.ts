import {
  formatDuration,
  MISSED_POLICIES,
  type MissedPolicy,
  OVERLAP_POLICIES,
  type OverlapPolicy,
  SCHEDULE_FIELDS,
  type ScheduleDefinition,
} from "@taskloom/core";
import type { KeyValueRow } from "../../task-form/task-draft.ts";

export { MISSED_POLICIES, OVERLAP_POLICIES };

export const RULE_KINDS = ["cron", "every", "at"] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** The schedule form's state: text as typed, turned into the plan file's schedule form to validate or save. */
export interface ScheduleDraft {
  /** Empty means unnamed. */
  name: string;
  kind: RuleKind;
  /** cron: 5 fields, or 6 with seconds first. */
  cron: string;
  /** IANA name for `cron` and an offset-less `at`; empty means UTC. */
  timezone: string;
  /** every: a duration (`10m`, `1h30m`). */
  every: string;
  /** at: `YYYY-MM-DDTHH:mm[:ss]` as a `datetime-local` input gives it, read in `timezone`. */
  at: string;
  /** Run params as typed (the server coerces them to the declared types). */
  params: KeyValueRow[];
  missed: MissedPolicy;
  overlap: OverlapPolicy;
  enabled: boolean;
}

/** The fields the form shows issues next to. */
export type ScheduleField =
  | "name"
  | "cron"
  | "every"
  | "at"
  | "timezone"
  | "params"
  | "missed"
  | "overlap"
  | "general";

export type ScheduleFieldIssues = Partial<Record<ScheduleField, string[]>>;

/** A new schedule's form: a daily cron at 02:00 UTC, the plan file's default policies. */
export function emptyScheduleDraft(): ScheduleDraft {
  return {
    name: "",
    kind: "cron",
    cron: "0 2 * * *",
    timezone: "",
    every: "1h",
    at: "",
    params: [],
    missed: "skip",
    overlap: "skip",
    enabled: true,
  };
}

/** `at` as a `datetime-local` value in UTC (seconds kept only when set). */
function utcLocalText(at: number): string {
  const iso = new Date(at).toISOString(); // 2026-12-24T18:00:00.000Z
  const seconds = iso.slice(17, 19);
  return seconds === "00" ? iso.slice(0, 16) : iso.slice(0, 19);
}

/** The form state of a stored schedule. A one-shot's time is shown in UTC (a rule stores the instant only). */
export function scheduleDraftFrom(schedule: ScheduleDefinition): ScheduleDraft {
  const draft: ScheduleDraft = {
    ...emptyScheduleDraft(),
    name: schedule.name ?? "",
    kind: schedule.rule.kind,
    params: Object.entries(schedule.params).map(([name, value]) => ({ name, value: String(value) })),
    missed: schedule.missed,
    overlap: schedule.overlap,
    enabled: schedule.enabled,
  };
  const { rule } = schedule;
  if (rule.kind === "cron") {
    draft.cron = rule.cron;
    draft.timezone = rule.timezone ?? "";
  } else if (rule.kind === "every") draft.every = formatDuration(rule.everyMs);
  else draft.at = utcLocalText(rule.at);
  return draft;
}

/**
 * The schedule in plan-file form (`{ name, cron, timezone, params, missed, overlap, enabled }`), exactly what
 * a `schedules:` entry would say; the server validates it with the plan-file rules. Only the chosen rule's
 * field is written; `timezone` only where it applies (`cron`, `at`). Fields at their defaults are left out.
 */
export function scheduleDocument(draft: ScheduleDraft): Record<string, unknown> {
  const document: Record<string, unknown> = {};
  if (draft.name.trim() !== "") document.name = draft.name.trim();
  if (draft.kind === "cron") document.cron = draft.cron.trim();
  else if (draft.kind === "every") document.every = draft.every.trim();
  else document.at = draft.at.trim();
  if (draft.kind !== "every" && draft.timezone !== "") document.timezone = draft.timezone;
  const params: Record<string, string> = {};
  for (const row of draft.params) {
    const name = row.name.trim();
    if (name === "" && row.value === "") continue;
    params[name] = row.value;
  }
  if (Object.keys(params).length > 0) document.params = params;
  if (draft.missed !== "skip") document.missed = draft.missed;
  if (draft.overlap !== "skip") document.overlap = draft.overlap;
  if (!draft.enabled) document.enabled = false;
  return document;
}

/** Issue paths that name a form field (`enabled` is a checkbox that cannot be wrong). */
const FIELDS: ReadonlySet<string> = new Set<string>(SCHEDULE_FIELDS.filter((field) => field !== "enabled"));

/** What the form needs of an issue: its path segments from the schedule (`["params", "env"]`) and message. */
export interface ScheduleIssue {
  fieldPath: readonly (string | number)[];
  message: string;
}

/**
 * Plan-file issues of a schedule, by the form field they belong to (by path, never by wording). A missing
 * rule (`required` at the root, field `cron`) goes to the chosen rule's field.
 */
export function issuesByField(issues: readonly ScheduleIssue[], kind: RuleKind): ScheduleFieldIssues {
  const byField: ScheduleFieldIssues = {};
  for (const issue of issues) {
    const [first] = issue.fieldPath;
    let field: ScheduleField =
      typeof first === "string" && FIELDS.has(first) ? (first as ScheduleField) : "general";
    if (field === "cron" || field === "every" || field === "at") field = kind;
    const list = byField[field] ?? [];
    if (!list.includes(issue.message)) list.push(issue.message);
    byField[field] = list;
  }
  return byField;
}

/** Time zones to pick from: UTC first, then this browser's, then every IANA name the browser knows. */
export function timezoneOptions(current: string, browserZone: string | undefined): string[] {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const first = ["UTC", ...(browserZone && browserZone !== "UTC" ? [browserZone] : [])];
  // A stored zone the browser does not list (an alias such as US/Pacific) is still offered, as it is.
  const rest = [...(current !== "" && !known.includes(current) ? [current] : []), ...known];
  return [...first, ...rest.filter((zone) => !first.includes(zone))];
}

/** A fire time as the schedule's timezone reads it (`Tue, Dec 1, 2026, 09:30:00 (Europe/Paris)`). */
export function formatInZone(at: number, timezone: string): string {
  const zone = timezone === "" ? "UTC" : timezone;
  try {
    const text = new Intl.DateTimeFormat("en", {
      weekday: "short",
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZone: zone,
    }).format(at);
    return `${text} (${zone})`;
  } catch {
    return new Date(at).toISOString();
  }
}
