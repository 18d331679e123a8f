import { describe, expect, it } from "vitest";
import type { StoredSchedule } from "../ports.ts";
import { reconcileSchedules } from "../schedule-reconcile.ts";
import type { ScheduleDefinition } from "../schedules.ts";
import { parseScheduleObject } from "./schedules.ts";
import { serializePlan } from "./serialize.ts";
import { parsePlanText, validatePlanText } from "./validate.ts";

const PLAN = `plan: nightly
params: { target: dev }
tasks:
  build: { run: "echo {{params.target}}" }
schedules:
  - name: nightly
    cron: "0 2 * * *"
    timezone: Europe/Paris
    params: { target: prod }
    missed: catchup-one
  - every: 10m
    overlap: queue
  - at: 2026-12-24T18:00:00
    timezone: Europe/Paris
    enabled: false
`;

describe("schedules in the plan file", () => {
  it("reads every rule kind with its defaults", () => {
    const plan = parsePlanText(PLAN);
    expect(plan.schedules).toEqual([
      {
        name: "nightly",
        rule: { kind: "cron", cron: "0 2 * * *", timezone: "Europe/Paris" },
        params: { target: "prod" },
        missed: "catchup-one",
        overlap: "skip",
        enabled: true,
      },
      {
        name: null,
        rule: { kind: "every", everyMs: 600_000 },
        params: {},
        missed: "skip",
        overlap: "queue",
        enabled: true,
      },
      {
        name: null,
        rule: { kind: "at", at: Date.parse("2026-12-24T17:00:00Z") },
        params: {},
        missed: "skip",
        overlap: "skip",
        enabled: false,
      },
    ]);
  });

  it("exports schedules back to a file that reads the same", () => {
    const plan = parsePlanText(PLAN);
    for (const format of ["yaml", "json"] as const) {
      const text = serializePlan(plan, format);
      expect(text).toContain("schedules");
      expect(parsePlanText(text, { format })).toEqual(plan);
    }
  });

  it("leaves `schedules` out of a plan that has none", () => {
    const plan = parsePlanText("plan: p\ntasks:\n  a: { run: 'true' }\n");
    expect(plan).not.toHaveProperty("schedules");
    expect(serializePlan(plan, "yaml")).not.toContain("schedules");
  });

  it("reports each problem with its path, line and code", () => {
    const outcome = validatePlanText(`plan: p
params: { target: dev }
tasks:
  a: { run: "true" }
schedules:
  - cron: "*/5 * *"
  - every: 10m
    at: 2026-12-24T18:00:00Z
  - every: 500ms
  - cron: "* * * * *"
    timezone: Mars/Olympus
  - at: tomorrow
  - every: 1h
    params: { colour: red }
    missed: sometimes
    overlap: never
    color: 1
  - name: twice
    every: 1h
  - name: twice
    every: 2h
  - name: "bad name"
    every: 1h
  - {}
`);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    const found = outcome.issues.map((issue) => [issue.path, issue.code, issue.line]);
    expect(found).toEqual(
      expect.arrayContaining([
        ["schedules[0].cron", "invalid_value", 6],
        ["schedules[1].at", "invalid", 8],
        ["schedules[2].every", "too_small", 9],
        ["schedules[3].timezone", "invalid_value", 11],
        ["schedules[4].at", "invalid_value", 12],
        ["schedules[5].params.colour", "invalid_key", 14],
        ["schedules[5].missed", "invalid_value", 15],
        ["schedules[5].overlap", "invalid_value", 16],
        ["schedules[5].color", "unknown_field", 17],
        ["schedules[7].name", "invalid_value", 20],
        ["schedules[8].name", "invalid_value", 22],
        ["schedules[9]", "required", 24],
      ]),
    );
  });

  it("validates a schedule given alone (CLI, API) against the plan's params", () => {
    const plan = parsePlanText(PLAN);
    expect(parseScheduleObject({ every: "1h", params: { target: "x" } }, plan).params).toEqual({
      target: "x",
    });
    expect(() => parseScheduleObject({ every: "1h", params: { nope: 1 } }, plan)).toThrow(
      /unknown param `nope`/,
    );
    expect(() => parseScheduleObject({}, plan)).toThrow(/one of `cron`, `every` or `at`/);
  });
});

function stored(definition: ScheduleDefinition, extra: Partial<StoredSchedule>): StoredSchedule {
  return {
    ...definition,
    id: "s1",
    planSlug: "p",
    source: "file",
    position: 0,
    anchorAt: 0,
    nextFireAt: 5000,
    lastFireAt: null,
    lastRunId: null,
    queuedFires: [],
    createdAt: 0,
    updatedAt: 0,
    ...extra,
  };
}

describe("reconcileSchedules", () => {
  const hourly: ScheduleDefinition = {
    name: "hourly",
    rule: { kind: "every", everyMs: 3_600_000 },
    params: {},
    missed: "skip",
    overlap: "skip",
    enabled: true,
  };
  const now = 1_000_000;

  it("keeps an unchanged schedule as it is, with its next fire time", () => {
    expect(reconcileSchedules([stored(hourly, {})], [hourly], now)).toEqual({
      create: [],
      update: [],
      remove: [],
    });
  });

  it("restarts a schedule whose rule changed and keeps the fire time of one whose params changed", () => {
    const plan = reconcileSchedules(
      [stored(hourly, {}), stored({ ...hourly, name: "other" }, { id: "s2", position: 1 })],
      [
        { ...hourly, rule: { kind: "every", everyMs: 60_000 } },
        { ...hourly, name: "other", params: { x: 1 } },
      ],
      now,
    );
    expect(plan.update).toEqual([
      {
        id: "s1",
        change: { rule: { kind: "every", everyMs: 60_000 }, anchorAt: now, nextFireAt: now + 60_000 },
      },
      { id: "s2", change: { params: { x: 1 } } },
    ]);
  });

  it("matches unnamed schedules by index, removes file schedules no longer listed and keeps API ones", () => {
    const unnamed = { ...hourly, name: null };
    const plan = reconcileSchedules(
      [
        stored(unnamed, { id: "a", position: 0 }),
        stored(unnamed, { id: "b", position: 1 }),
        stored({ ...hourly, name: "by-cli" }, { id: "c", source: "api" }),
      ],
      [unnamed],
      now,
    );
    expect(plan).toEqual({ create: [], update: [], remove: ["b"] });
  });

  it("creates new schedules with their first fire", () => {
    const plan = reconcileSchedules([], [hourly], now);
    expect(plan.create).toEqual([{ definition: hourly, position: 0, nextFireAt: now + 3_600_000 }]);
  });
});
