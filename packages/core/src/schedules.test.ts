import { describe, expect, it } from "vitest";
import {
  dueFires,
  firstFire,
  MAX_CATCHUP_FIRES,
  MISSED_GRACE_MS,
  nextFireAfter,
  parseAtTime,
  type ScheduleRule,
  sameRule,
  upcomingFires,
} from "./schedules.ts";

const T0 = Date.parse("2026-12-01T08:00:00Z");
const MINUTE = 60_000;
const every5m: ScheduleRule = { kind: "every", everyMs: 5 * MINUTE };
const cron5m: ScheduleRule = { kind: "cron", cron: "*/5 * * * *", timezone: null };

describe("nextFireAfter", () => {
  it("counts `every` intervals from the anchor, strictly after t", () => {
    expect(nextFireAfter(every5m, T0, T0)).toBe(T0 + 5 * MINUTE);
    expect(nextFireAfter(every5m, T0 + 5 * MINUTE, T0)).toBe(T0 + 10 * MINUTE);
    expect(nextFireAfter(every5m, T0 + 5 * MINUTE - 1, T0)).toBe(T0 + 5 * MINUTE);
  });

  it("reads cron fields in the schedule's timezone, daylight saving included", () => {
    const paris: ScheduleRule = { kind: "cron", cron: "0 9 * * *", timezone: "Europe/Paris" };
    // 09:00 in Paris is 08:00 UTC in winter and 07:00 UTC in summer.
    expect(new Date(nextFireAfter(paris, T0 - 1, 0) ?? 0).toISOString()).toBe("2026-12-01T08:00:00.000Z");
    const june = Date.parse("2026-06-01T00:00:00Z");
    expect(new Date(nextFireAfter(paris, june, 0) ?? 0).toISOString()).toBe("2026-06-01T07:00:00.000Z");
  });

  it("takes 6-field cron rules with seconds first", () => {
    const rule: ScheduleRule = { kind: "cron", cron: "*/10 * * * * *", timezone: null };
    expect(upcomingFires(rule, T0, 0, 3)).toEqual([T0 + 10_000, T0 + 20_000, T0 + 30_000]);
  });

  it("gives a one-shot `at` once, then nothing", () => {
    const at: ScheduleRule = { kind: "at", at: T0 + 3000 };
    expect(nextFireAfter(at, T0, 0)).toBe(T0 + 3000);
    expect(nextFireAfter(at, T0 + 3000, 0)).toBeNull();
    expect(upcomingFires(at, T0, 0, 5)).toEqual([T0 + 3000]);
  });
});

describe("dueFires", () => {
  it("fires nothing before the next fire time", () => {
    expect(dueFires(cron5m, T0 + 5 * MINUTE, T0, 0, "skip")).toEqual({
      fires: [],
      skipped: 0,
      nextFireAt: T0 + 5 * MINUTE,
    });
  });

  it("fires an on-time fire under every policy and moves to the next one", () => {
    for (const missed of ["skip", "catchup-one", "catchup-all"] as const) {
      expect(dueFires(cron5m, T0, T0 + 800, 0, missed)).toEqual({
        fires: [T0],
        skipped: 0,
        nextFireAt: T0 + 5 * MINUTE,
      });
    }
  });

  it("applies the missed policy to fires older than the grace period", () => {
    // Down from 08:00 to 08:30:30: 08:00 … 08:30 are due; 08:30 is within the grace period (on time).
    const now = T0 + 30 * MINUTE + 30_000;
    const skip = dueFires(cron5m, T0, now, 0, "skip");
    expect(skip).toEqual({ fires: [T0 + 30 * MINUTE], skipped: 6, nextFireAt: T0 + 35 * MINUTE });
    const one = dueFires(cron5m, T0, now, 0, "catchup-one");
    expect(one.fires).toEqual([T0 + 25 * MINUTE, T0 + 30 * MINUTE]);
    expect(one.skipped).toBe(5);
    const all = dueFires(cron5m, T0, now, 0, "catchup-all");
    expect(all.fires).toEqual([0, 5, 10, 15, 20, 25, 30].map((m) => T0 + m * MINUTE));
    expect(all.skipped).toBe(0);
  });

  it("bounds catch-up to the most recent MAX_CATCHUP_FIRES after a long outage", () => {
    const now = T0 + 7 * 24 * 60 * MINUTE; // a week of 5-minute fires: 2016 of them
    for (const rule of [every5m, cron5m]) {
      const all = dueFires(rule, T0 + 5 * MINUTE, now, T0, "catchup-all");
      const graceStart = now - MISSED_GRACE_MS;
      const missed = all.fires.filter((fire) => fire < graceStart);
      expect(missed).toHaveLength(MAX_CATCHUP_FIRES);
      expect(missed.at(-1)).toBe(now - 5 * MINUTE);
      expect(all.fires.at(-1)).toBe(now);
      expect(all.nextFireAt).toBe(now + 5 * MINUTE);
      expect(all.skipped).toBeGreaterThan(MAX_CATCHUP_FIRES);
    }
  });

  it("skips a missed one-shot `at` under skip and fires it under catch-up", () => {
    const at: ScheduleRule = { kind: "at", at: T0 };
    const later = T0 + 10 * MINUTE;
    expect(dueFires(at, T0, later, 0, "skip")).toEqual({ fires: [], skipped: 1, nextFireAt: null });
    expect(dueFires(at, T0, later, 0, "catchup-one")).toEqual({ fires: [T0], skipped: 0, nextFireAt: null });
  });
});

describe("firstFire", () => {
  it("starts `every` from the anchor and keeps a just-passed `at`", () => {
    expect(firstFire(every5m, T0, T0)).toBe(T0 + 5 * MINUTE);
    expect(firstFire({ kind: "at", at: T0 - 1000 }, T0, T0)).toBe(T0 - 1000);
    expect(firstFire({ kind: "at", at: T0 - 2 * MISSED_GRACE_MS }, T0, T0)).toBeNull();
  });
});

describe("parseAtTime", () => {
  it("reads offsets, UTC by default, or the given timezone", () => {
    expect(parseAtTime("2026-12-01T09:00:00Z", "Europe/Paris")).toBe(Date.parse("2026-12-01T09:00:00Z"));
    expect(parseAtTime("2026-12-01T09:00:00", null)).toBe(Date.parse("2026-12-01T09:00:00Z"));
    expect(parseAtTime("2026-12-01T09:00:00", "Europe/Paris")).toBe(Date.parse("2026-12-01T08:00:00Z"));
    expect(parseAtTime("2026-12-01T09:00+02:00", null)).toBe(Date.parse("2026-12-01T07:00:00Z"));
  });

  it("refuses text that is not an ISO time", () => {
    expect(() => parseAtTime("tomorrow", null)).toThrow(/ISO time/);
    expect(() => parseAtTime("2026-12-01", null)).toThrow(/ISO time/);
    expect(() => parseAtTime("2026-13-45T99:00:00Z", null)).toThrow(/not a real date/);
  });
});

describe("sameRule", () => {
  it("compares what the rule fires, not how it was written", () => {
    expect(sameRule(cron5m, { kind: "cron", cron: " */5 * * * * ", timezone: null })).toBe(true);
    expect(sameRule(cron5m, { kind: "cron", cron: "*/5 * * * *", timezone: "UTC" })).toBe(false);
    expect(sameRule(every5m, { kind: "every", everyMs: 300_000 })).toBe(true);
    expect(sameRule(every5m, cron5m)).toBe(false);
  });
});
