import type { ScheduleChange, StoredSchedule } from "./ports.ts";
import { firstFire, type ScheduleDefinition, sameRule } from "./schedules.ts";

/** What an import does to a plan's stored schedules. */
export interface ScheduleReconciliation {
  create: { definition: ScheduleDefinition; position: number; nextFireAt: number | null }[];
  update: { id: string; change: ScheduleChange }[];
  remove: string[];
}

/**
 * Matches the plan file's `schedules:` (`incoming`, in file order) with the stored ones: a named entry matches
 * the stored schedule of that name (whatever added it, which then belongs to the file); an unnamed one matches
 * the unnamed file schedule at the same index. Matched schedules keep their firing state (`nextFireAt`,
 * `lastRunId`, queued fires) unless their rule changed (then they start again from `now`) or they were
 * re-enabled (then they go on from the next fire after `now`, as a resume does). File schedules the file no
 * longer lists are removed; schedules added by the CLI or the API stay. Pure: `now` is passed in.
 */
export function reconcileSchedules(
  existing: readonly StoredSchedule[],
  incoming: readonly ScheduleDefinition[],
  now: number,
): ScheduleReconciliation {
  const plan: ScheduleReconciliation = { create: [], update: [], remove: [] };
  const matched = new Set<string>();
  incoming.forEach((definition, position) => {
    const current = existing.find((stored) =>
      definition.name !== null
        ? stored.name === definition.name
        : stored.name === null && stored.source === "file" && stored.position === position,
    );
    if (current === undefined) {
      plan.create.push({ definition, position, nextFireAt: firstFire(definition.rule, now, now) });
      return;
    }
    matched.add(current.id);
    const change = changeOf(current, definition, position, now);
    if (Object.keys(change).length > 0) plan.update.push({ id: current.id, change });
  });
  for (const stored of existing) {
    if (stored.source === "file" && !matched.has(stored.id)) plan.remove.push(stored.id);
  }
  return plan;
}

/** The fields of `current` that differ from `definition`, plus the firing state a rule change resets. */
export function changeOf(
  current: StoredSchedule,
  definition: ScheduleDefinition,
  position: number,
  now: number,
): ScheduleChange {
  const change: ScheduleChange = {};
  if (current.source !== "file") change.source = "file";
  if (current.position !== position) change.position = position;
  if (!sameRule(current.rule, definition.rule)) {
    change.rule = definition.rule;
    change.anchorAt = now;
    change.nextFireAt = firstFire(definition.rule, now, now);
  } else if (definition.enabled && !current.enabled) {
    change.nextFireAt = firstFire(definition.rule, now, current.anchorAt);
  }
  if (JSON.stringify(current.params) !== JSON.stringify(definition.params)) change.params = definition.params;
  if (current.missed !== definition.missed) change.missed = definition.missed;
  if (current.overlap !== definition.overlap) change.overlap = definition.overlap;
  if (current.enabled !== definition.enabled) change.enabled = definition.enabled;
  return change;
}
