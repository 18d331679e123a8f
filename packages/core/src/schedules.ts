import { Cron } from "croner";
import type { ParamValue } from "./types.ts";

/**
 * Glossary
 * --------
 * - **schedule**: a rule that starts runs of one plan with fixed params: `cron` (5 fields, or 6 with seconds
 *   first, read in a timezone), `every` (a fixed interval from the schedule's anchor) or `at` (one ISO time).
 * - **fire**: one instant the rule names; each fire that is not skipped starts exactly one run.
 * - **next fire** (`nextFireAt`): the earliest fire not yet handled; null once a one-shot `at` has fired or
 *   been skipped. Claiming a fire is a compare-and-set on it, so only one process starts its run.
 * - **anchor**: the instant an `every` schedule counts its intervals from (when it was created).
 * - **missed fire**: a fire that came due while no process was firing schedules (everything stopped), older
 *   than `MISSED_GRACE_MS` when it is seen. The missed policy says what happens to those.
 * - **overlap**: a fire that comes due while this schedule's previous run is still open.
 *
 * Everything here is a pure function of the times passed in: tests use an injected clock, never sleeps.
 */

export const MISSED_POLICIES = ["skip", "catchup-one", "catchup-all"] as const;
/**
 * - `skip` (default): missed fires are dropped; the schedule goes on from the next fire after now.
 * - `catchup-one`: however many were missed, one run starts for the latest of them.
 * - `catchup-all`: one run per missed fire, at most `MAX_CATCHUP_FIRES` (the most recent ones).
 */
export type MissedPolicy = (typeof MISSED_POLICIES)[number];

export const OVERLAP_POLICIES = ["allow", "skip", "queue"] as const;
/**
 * - `allow`: a fire starts its run even while the previous one is open.
 * - `skip` (default): a fire that finds the previous run open starts nothing.
 * - `queue`: the fire is kept (at most `MAX_QUEUED_FIRES`) and its run starts once the previous one ends.
 */
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** The most runs `catchup-all` starts for fires missed in one stretch; older ones are dropped. */
export const MAX_CATCHUP_FIRES = 100;
/** The most fires an `overlap: queue` schedule keeps waiting for its open run; later ones are dropped. */
export const MAX_QUEUED_FIRES = 100;
/**
 * A due fire at most this old is on time, not missed: a firing loop that ticks every second, or a process
 * busy for a few seconds, still fires it under `missed: skip`. Default policy constant, 60 s.
 */
export const MISSED_GRACE_MS = 60_000;

export type ScheduleRule =
  /** `timezone`: IANA name the fields are read in; null = UTC. */
  | { kind: "cron"; cron: string; timezone: string | null }
  | { kind: "every"; everyMs: number }
  /** `at`: epoch ms. */
  | { kind: "at"; at: number };

/** A schedule as the plan file, the API and the CLI give it, with every default applied. */
export interface ScheduleDefinition {
  /** Unique within the plan when set; unnamed plan-file schedules are matched by their index. Default null. */
  name: string | null;
  rule: ScheduleRule;
  /** Run params, by declared name. Default `{}`. */
  params: Record<string, ParamValue>;
  /** Default `skip`. */
  missed: MissedPolicy;
  /** Default `skip`. */
  overlap: OverlapPolicy;
  /** A disabled (paused) schedule never fires; resuming it fires from the next fire after now. Default true. */
  enabled: boolean;
}

const CRON_FIELD_COUNTS = new Set([5, 6]);

/** A cron job object for the maths only (never started: `paused`), or an Error saying what is wrong. */
function cronOf(cron: string, timezone: string | null): Cron {
  const fields = cron.trim().split(/\s+/).length;
  if (!CRON_FIELD_COUNTS.has(fields)) {
    throw new Error(`a cron rule has 5 fields (or 6, seconds first), got ${fields}: \`${cron}\``);
  }
  return new Cron(cron, { paused: true, ...(timezone ? { timezone } : {}) });
}

/** Why a cron rule (with its timezone) is unusable, or undefined when it is fine. */
export function cronProblem(cron: string, timezone: string | null): string | undefined {
  try {
    cronOf(cron, timezone).nextRun(new Date(0));
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Why a timezone name is unusable, or undefined. */
export function timezoneProblem(timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return undefined;
  } catch {
    return `unknown timezone \`${timezone}\` (use an IANA name such as Europe/Paris)`;
  }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Reads an `at` time: ISO 8601 with a date and a time (`2026-12-01T09:30:00`). Without an offset it is read in
 * `timezone` (UTC when null). Returns epoch ms, or throws an Error saying what is accepted.
 */
export function parseAtTime(text: string, timezone: string | null): number {
  if (!ISO_TIME.test(text)) {
    throw new Error(`expected an ISO time such as 2026-12-01T09:30:00Z, got \`${text}\``);
  }
  if (HAS_OFFSET.test(text) || timezone === null) {
    const at = Date.parse(HAS_OFFSET.test(text) ? text : `${text}Z`);
    if (!Number.isFinite(at)) throw new Error(`\`${text}\` is not a real date and time`);
    return at;
  }
  // croner reads an offset-less ISO time in the job's timezone, DST included.
  const next = new Cron(text, { paused: true, timezone }).nextRun(new Date(0));
  if (next === null) throw new Error(`\`${text}\` does not exist in ${timezone}`);
  return next.getTime();
}

/** The first fire strictly after `t`, or null when the rule names none (a past `at`). */
export function nextFireAfter(rule: ScheduleRule, t: number, anchor: number): number | null {
  switch (rule.kind) {
    case "at":
      return rule.at > t ? rule.at : null;
    case "every": {
      if (t < anchor) return anchor + rule.everyMs;
      return anchor + (Math.floor((t - anchor) / rule.everyMs) + 1) * rule.everyMs;
    }
    case "cron":
      return cronOf(rule.cron, rule.timezone).nextRun(new Date(t))?.getTime() ?? null;
  }
}

/** The next `count` fires after `t` (for lists that show upcoming fire times). */
export function upcomingFires(rule: ScheduleRule, t: number, anchor: number, count: number): number[] {
  const fires: number[] = [];
  let at: number | null = t;
  while (fires.length < count && at !== null) {
    at = nextFireAfter(rule, at, anchor);
    if (at !== null) fires.push(at);
  }
  return fires;
}

export interface DueFires {
  /** Fire times to start runs for now, oldest first. */
  fires: number[];
  /** Due fires dropped by the missed policy (a lower bound after an outage longer than the catch-up bound). */
  skipped: number;
  /** The schedule's next fire after this tick (strictly after `now`), or null when it has no more. */
  nextFireAt: number | null;
}

/**
 * What a firing loop does at `now` with a schedule whose next fire is `nextFireAt`: which fires start runs
 * and where the schedule goes next. Fires not older than `MISSED_GRACE_MS` are on time and always start;
 * older ones are missed and follow `missed`. Walks at most `MAX_CATCHUP_FIRES + 1` missed fires one by one:
 * after a longer outage it jumps to the last `MAX_CATCHUP_FIRES` of them (a per-second cron down for a week
 * costs the same as one down for two minutes).
 */
export function dueFires(
  rule: ScheduleRule,
  nextFireAt: number,
  now: number,
  anchor: number,
  missed: MissedPolicy,
): DueFires {
  if (nextFireAt > now) return { fires: [], skipped: 0, nextFireAt };
  const graceStart = now - MISSED_GRACE_MS;
  let missedFires: number[] = [];
  let fire: number | null = nextFireAt;
  while (fire !== null && fire < graceStart && missedFires.length <= MAX_CATCHUP_FIRES) {
    missedFires.push(fire);
    fire = nextFireAfter(rule, fire, anchor);
  }
  let missedCount = missedFires.length;
  if (fire !== null && fire < graceStart) {
    const lastWalked = missedFires.at(-1) ?? nextFireAt;
    missedFires = lastFiresBefore(rule, graceStart, anchor, MAX_CATCHUP_FIRES);
    // Exact when the tail overlaps what was walked; otherwise a lower bound (the gap was not counted).
    missedCount += missedFires.filter((missedFire) => missedFire > lastWalked).length;
    const last = missedFires.at(-1);
    fire = last === undefined ? null : nextFireAfter(rule, last, anchor);
  }
  const onTime: number[] = [];
  while (fire !== null && fire <= now) {
    onTime.push(fire);
    fire = nextFireAfter(rule, fire, anchor);
  }
  const kept =
    missed === "skip"
      ? []
      : missed === "catchup-one"
        ? missedFires.slice(-1)
        : missedFires.slice(-MAX_CATCHUP_FIRES);
  return { fires: [...kept, ...onTime], skipped: missedCount - kept.length, nextFireAt: fire };
}

/**
 * The last `count` fires strictly before `t`, oldest first, found without walking every fire: `every` by
 * arithmetic, `cron` by croner's backward search, `at` directly. Used to jump over a long outage.
 */
function lastFiresBefore(rule: ScheduleRule, t: number, anchor: number, count: number): number[] {
  switch (rule.kind) {
    case "at":
      return rule.at < t ? [rule.at] : [];
    case "every": {
      // Fires are anchor + k * everyMs for k >= 1.
      const last = Math.floor((t - 1 - anchor) / rule.everyMs);
      const fires: number[] = [];
      for (let k = Math.max(1, last - count + 1); k <= last; k += 1) fires.push(anchor + k * rule.everyMs);
      return fires;
    }
    case "cron":
      return cronOf(rule.cron, rule.timezone)
        .previousRuns(count, new Date(t))
        .map((date) => date.getTime())
        .reverse();
  }
}

/** The first fire of a new (or changed, or resumed) schedule: the first after `now`. */
export function firstFire(rule: ScheduleRule, now: number, anchor: number): number | null {
  // A one-shot `at` slightly in the past (created a moment late) still fires once, as an on-time fire.
  if (rule.kind === "at") return rule.at > now - MISSED_GRACE_MS ? rule.at : null;
  return nextFireAfter(rule, now, anchor);
}

/** Whether two rules name the same fires (so a re-import keeps the stored next fire time). */
export function sameRule(a: ScheduleRule, b: ScheduleRule): boolean {
  if (a.kind === "cron" && b.kind === "cron")
    return a.cron.trim() === b.cron.trim() && a.timezone === b.timezone;
  if (a.kind === "every" && b.kind === "every") return a.everyMs === b.everyMs;
  if (a.kind === "at" && b.kind === "at") return a.at === b.at;
  return false;
}

/** The rule in words for lists: `cron 0 9 * * 1 (Europe/Paris)`, `every 10m`, `at 2026-12-01T09:00:00.000Z`. */
export function describeRule(rule: ScheduleRule, formatMs: (ms: number) => string): string {
  switch (rule.kind) {
    case "cron":
      return `cron ${rule.cron}${rule.timezone ? ` (${rule.timezone})` : ""}`;
    case "every":
      return `every ${formatMs(rule.everyMs)}`;
    case "at":
      return `at ${new Date(rule.at).toISOString()}`;
  }
}
