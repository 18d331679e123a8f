import {
  BadInputError,
  type Clock,
  type CreatedRun,
  changeOf,
  describeRule,
  firstFire,
  formatDuration,
  NotFoundError,
  type ParamValue,
  type PlanDefinition,
  type PlanIssue,
  PlanValidationError,
  parseScheduleObject,
  type RunStatus,
  reconcileSchedules,
  resolveRunParams,
  type ScheduleDefinition,
  type ScheduleStore,
  type StoredSchedule,
  sameRule,
  scheduleToDocument,
  type TaskloomStore,
  upcomingFires,
} from "@taskloom/core";

/** A schedule as lists show it. */
export interface ScheduleView extends StoredSchedule {
  /** The rule in words: `cron 0 2 * * * (Europe/Paris)`, `every 10m`, `at 2026-12-24T17:00:00.000Z`. */
  description: string;
  /** The next fire times (at most `UPCOMING_FIRES`), soonest first; empty when paused or done. */
  upcoming: number[];
  /** The run it started last, with its status; null before the first fire (or when that run was deleted). */
  lastRun: { id: string; status: RunStatus } | null;
}

/** How many next fire times a view lists. */
export const UPCOMING_FIRES = 3;
/** How many next fire times a preview lists. */
export const PREVIEW_FIRES = 5;

/**
 * What a schedule being typed in a form would do, before it is saved: the same validation and fire maths
 * as `create`/`update`. `issues` is empty when it would save; the fire times are then those it would have.
 */
export interface SchedulePreview {
  issues: PlanIssue[];
  /** The rule in words (as lists show it); null while the schedule does not validate. */
  description: string | null;
  /** The next fire times (at most `PREVIEW_FIRES`), soonest first; empty while invalid, paused or done. */
  upcoming: number[];
}

export interface ScheduleUpdateOptions {
  /**
   * `true`: the document is the whole schedule (a form's edit): fields it leaves out go back to their
   * defaults. Default `false`: only the fields given change.
   */
  replace?: boolean;
}

const RULE_FIELDS = ["cron", "every", "at"];

const PAST_AT = "`at` is in the past: the schedule would never fire";

function pastAtIssue(): PlanIssue {
  return { path: "at", fieldPath: ["at"], code: "invalid_value", message: PAST_AT };
}

/** A run param the plan refuses (`resolveRunParams`: a value of the wrong type), as a form issue. */
function paramsIssue(message: string): PlanIssue {
  return { path: "params", fieldPath: ["params"], code: "invalid_value", message };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

interface ScheduleServiceDeps {
  schedules: ScheduleStore;
  store: TaskloomStore;
  clock: Clock;
  /** Starts a run the way every other caller does (params checked against the plan). */
  startRun(planSlug: string, params: Record<string, string>): Promise<CreatedRun>;
}

/** Run params as the `--param` texts `startRun` checks and coerces against the current plan. */
export function paramTexts(params: Record<string, ParamValue>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, String(value)]));
}

/**
 * A schedule in plan-file form, validated against `plan`, its params coerced to the declared types (a CLI
 * gives `--param n=3` as text) so that a value its run would refuse is refused now, not at the first fire.
 */
function checked(document: unknown, plan: PlanDefinition): ScheduleDefinition {
  const definition = parseScheduleObject(document, plan);
  return { ...definition, params: resolveRunParams(plan, paramTexts(definition.params)) };
}

/**
 * Schedules as the CLI, the API and the dashboard use them. Input is the plan file's schedule form
 * (`{ cron | every | at, timezone, params, missed, overlap, enabled, name }`), validated with the same rules
 * as the file, so nothing can store a schedule a file import would reject. A schedule is named by its id or
 * by `PLAN/NAME`.
 */
export class ScheduleService {
  readonly #deps: ScheduleServiceDeps;

  constructor(deps: ScheduleServiceDeps) {
    this.#deps = deps;
  }

  async list(filter: { planSlug?: string } = {}): Promise<ScheduleView[]> {
    if (filter.planSlug !== undefined) await this.#deps.store.getPlanDefinition(filter.planSlug);
    const schedules = await this.#deps.schedules.listSchedules(filter);
    return Promise.all(schedules.map((schedule) => this.#view(schedule)));
  }

  async get(ref: string): Promise<ScheduleView> {
    return this.#view(await this.resolve(ref));
  }

  /** The schedule an id or a `PLAN/NAME` names. */
  async resolve(ref: string): Promise<StoredSchedule> {
    const slash = ref.indexOf("/");
    if (slash < 0) return this.#deps.schedules.getSchedule(ref);
    const planSlug = ref.slice(0, slash);
    const name = ref.slice(slash + 1);
    const found = (await this.#deps.schedules.listSchedules({ planSlug })).find((s) => s.name === name);
    if (found === undefined) throw new NotFoundError("schedule", ref);
    return found;
  }

  /** Adds a schedule to a plan (source `api`: plan-file imports leave it alone). */
  async create(planSlug: string, document: unknown): Promise<ScheduleView> {
    const { definition: plan } = await this.#deps.store.getPlanDefinition(planSlug);
    const definition = checked(document, plan);
    const now = this.#deps.clock.now();
    const nextFireAt = firstFire(definition.rule, now, now);
    // A plan file may keep a one-shot that has fired; a new one that never can is a mistake.
    if (nextFireAt === null) throw new BadInputError(PAST_AT);
    const created = await this.#deps.schedules.createSchedule({
      planSlug,
      definition,
      source: "api",
      position: 0,
      nextFireAt,
      now,
    });
    return this.#view(created);
  }

  /**
   * Changes the fields `patch` gives (plan-file form); giving `cron`, `every` or `at` replaces the rule. A
   * changed rule starts again from now; other changes keep the next fire time.
   */
  async update(ref: string, patch: unknown, options: ScheduleUpdateOptions = {}): Promise<ScheduleView> {
    const current = await this.resolve(ref);
    if (options.replace) {
      const { definition: plan } = await this.#deps.store.getPlanDefinition(current.planSlug);
      return this.#apply(current, checked(patch, plan));
    }
    const base = scheduleToDocument(current);
    if (isPlainObject(patch) && RULE_FIELDS.some((field) => patch[field] !== undefined)) {
      for (const field of [...RULE_FIELDS, ...(patch.every !== undefined ? ["timezone"] : [])])
        delete base[field];
    }
    const merged = { ...base, ...(isPlainObject(patch) ? patch : {}) };
    const { definition: plan } = await this.#deps.store.getPlanDefinition(current.planSlug);
    const definition = checked(merged, plan);
    return this.#apply(current, definition);
  }

  /**
   * Validates a schedule document (plan-file form) for `planSlug` and says when it would fire, without
   * storing anything. With `ref` (an edit), the fires are those the edited schedule would have: an unchanged
   * rule keeps its next fire time, as `update` does. Invalid input is an answer here, not an error: the form
   * shows the issues as the person types.
   */
  async preview(planSlug: string, document: unknown, ref?: string): Promise<SchedulePreview> {
    const current = ref === undefined ? undefined : await this.resolve(ref);
    if (current !== undefined && current.planSlug !== planSlug)
      throw new BadInputError(`schedule ${ref} belongs to plan ${current.planSlug}, not ${planSlug}`);
    const { definition: plan } = await this.#deps.store.getPlanDefinition(planSlug);
    let definition: ScheduleDefinition;
    try {
      definition = checked(document, plan);
    } catch (error) {
      if (error instanceof PlanValidationError)
        return { issues: error.issues, description: null, upcoming: [] };
      if (error instanceof BadInputError)
        return { issues: [paramsIssue(error.message)], description: null, upcoming: [] };
      throw error;
    }
    const now = this.#deps.clock.now();
    const keep = current !== undefined && sameRule(current.rule, definition.rule);
    const anchor = keep ? current.anchorAt : now;
    const next = keep && current.enabled ? current.nextFireAt : firstFire(definition.rule, now, anchor);
    const description = describeRule(definition.rule, formatDuration);
    if (next === null && current === undefined && definition.rule.kind === "at") {
      return { issues: [pastAtIssue()], description, upcoming: [] };
    }
    const upcoming =
      !definition.enabled || next === null
        ? []
        : [next, ...upcomingFires(definition.rule, next, anchor, PREVIEW_FIRES - 1)];
    return { issues: [], description, upcoming };
  }

  /** A paused schedule never fires; its fires while paused are not caught up on resume. Idempotent. */
  async pause(ref: string): Promise<ScheduleView> {
    const current = await this.resolve(ref);
    return this.#apply(current, { ...current, enabled: false });
  }

  /** Goes on from the next fire after now. Idempotent. */
  async resume(ref: string): Promise<ScheduleView> {
    const current = await this.resolve(ref);
    return this.#apply(current, { ...current, enabled: true });
  }

  async remove(ref: string): Promise<void> {
    const current = await this.resolve(ref);
    await this.#deps.schedules.removeSchedule(current.id);
  }

  /**
   * Starts a run now with the schedule's params, whatever its rule, overlap policy or pause say (an operator
   * asking for it); recorded as a manual `schedule.fired`. The schedule's own next fire does not move.
   */
  async trigger(ref: string): Promise<CreatedRun> {
    const current = await this.resolve(ref);
    const run = await this.#deps.startRun(current.planSlug, paramTexts(current.params));
    const now = this.#deps.clock.now();
    await this.#deps.schedules.recordFire({
      scheduleId: current.id,
      type: "schedule.fired",
      runId: run.runId,
      fireAts: [now],
      detail: null,
      manual: true,
      now,
    });
    return run;
  }

  /** Brings a plan's file schedules in line with its file's `schedules:` (see `reconcileSchedules`). */
  async reconcile(planSlug: string, definitions: readonly ScheduleDefinition[]): Promise<void> {
    const { schedules, clock } = this.#deps;
    const now = clock.now();
    const plan = reconcileSchedules(await schedules.listSchedules({ planSlug }), definitions, now);
    for (const id of plan.remove) await schedules.removeSchedule(id);
    for (const { id, change } of plan.update) await schedules.updateSchedule(id, change, now);
    for (const { definition, position, nextFireAt } of plan.create) {
      await schedules.createSchedule({ planSlug, definition, source: "file", position, nextFireAt, now });
    }
  }

  /** A plan's schedules as definitions, file ones first: what `plan export` writes under `schedules:`. */
  async definitionsOf(planSlug: string): Promise<ScheduleDefinition[]> {
    const stored = await this.#deps.schedules.listSchedules({ planSlug });
    return stored.map(({ name, rule, params, missed, overlap, enabled }) => ({
      name,
      rule,
      params,
      missed,
      overlap,
      enabled,
    }));
  }

  async #apply(current: StoredSchedule, definition: ScheduleDefinition): Promise<ScheduleView> {
    const now = this.#deps.clock.now();
    // `changeOf` is the import's diff; an edit keeps the schedule's source and place.
    const {
      source: _source,
      position: _position,
      ...change
    } = changeOf(current, definition, current.position, now);
    if (definition.name !== current.name) change.name = definition.name;
    if (Object.keys(change).length === 0) return this.#view(current);
    return this.#view(await this.#deps.schedules.updateSchedule(current.id, change, now));
  }

  async #view(schedule: StoredSchedule): Promise<ScheduleView> {
    const upcoming =
      !schedule.enabled || schedule.nextFireAt === null
        ? []
        : [
            schedule.nextFireAt,
            ...upcomingFires(schedule.rule, schedule.nextFireAt, schedule.anchorAt, UPCOMING_FIRES - 1),
          ];
    let lastRun: ScheduleView["lastRun"] = null;
    if (schedule.lastRunId !== null) {
      try {
        lastRun = { id: schedule.lastRunId, status: await this.#deps.store.getRunStatus(schedule.lastRunId) };
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
    return { ...schedule, description: describeRule(schedule.rule, formatDuration), upcoming, lastRun };
  }
}
