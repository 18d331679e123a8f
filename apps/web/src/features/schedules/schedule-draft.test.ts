import { parsePlanObject, parseScheduleObject } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import {
  emptyScheduleDraft,
  formatInZone,
  issuesByField,
  scheduleDocument,
  scheduleDraftFrom,
  timezoneOptions,
} from "./schedule-draft.ts";

const PLAN = parsePlanObject({ plan: "p", params: { target: "dev", n: 1 }, tasks: { a: { kind: "noop" } } });

describe("the schedule form's draft", () => {
  it("writes the plan file's schedule form: the chosen rule only, defaults left out", () => {
    expect(scheduleDocument(emptyScheduleDraft())).toEqual({ cron: "0 2 * * *" });
    const draft = {
      ...emptyScheduleDraft(),
      name: " nightly ",
      kind: "every" as const,
      every: "10m",
      // A timezone left from the cron rule does not apply to an interval.
      timezone: "Europe/Paris",
      params: [
        { name: "target", value: "prod" },
        { name: "", value: "" },
      ],
      missed: "catchup-one" as const,
      overlap: "queue" as const,
      enabled: false,
    };
    const document = scheduleDocument(draft);
    expect(document).toEqual({
      name: "nightly",
      every: "10m",
      params: { target: "prod" },
      missed: "catchup-one",
      overlap: "queue",
      enabled: false,
    });
    // What the form writes is what the plan-file rules accept.
    expect(parseScheduleObject(document, PLAN)).toMatchObject({ rule: { kind: "every", everyMs: 600_000 } });
    expect(
      scheduleDocument({
        ...emptyScheduleDraft(),
        kind: "at",
        at: "2026-12-24T18:00",
        timezone: "Europe/Paris",
      }),
    ).toEqual({ at: "2026-12-24T18:00", timezone: "Europe/Paris" });
  });

  it("reads a stored schedule back into the same document", () => {
    for (const document of [
      { name: "a", cron: "0 9 * * 1-5", timezone: "Europe/Paris", params: { target: "prod" } },
      { every: "1h30m", overlap: "allow" },
      { at: "2026-12-24T18:00:30Z", enabled: false },
    ]) {
      const stored = parseScheduleObject(document, PLAN);
      const again = parseScheduleObject(scheduleDocument(scheduleDraftFrom(stored)), PLAN);
      expect(again).toEqual(stored);
    }
    expect(scheduleDraftFrom(parseScheduleObject({ at: "2026-12-24T18:00:00Z" }, PLAN)).at).toBe(
      "2026-12-24T18:00",
    );
  });

  it("places each issue by its path; a rule's issue goes to the rule being typed", () => {
    const issues = issuesByField(
      [
        { fieldPath: ["cron"], message: "bad cron" },
        { fieldPath: ["params", "colour"], message: "unknown param" },
        { fieldPath: ["timezone"], message: "unknown timezone" },
        { fieldPath: [], message: "a schedule needs one of" },
      ],
      "cron",
    );
    expect(issues).toEqual({
      cron: ["bad cron"],
      params: ["unknown param"],
      timezone: ["unknown timezone"],
      general: ["a schedule needs one of"],
    });
    expect(issuesByField([{ fieldPath: ["cron"], message: "required" }], "every")).toEqual({
      every: ["required"],
    });
  });

  it("offers UTC, then the browser's zone, then every known zone, keeping a stored one it does not list", () => {
    const zones = timezoneOptions("Mars/Olympus", "Europe/Paris");
    expect(zones.slice(0, 3)).toEqual(["UTC", "Europe/Paris", "Mars/Olympus"]);
    expect(zones.filter((zone) => zone === "Europe/Paris")).toHaveLength(1);
    expect(zones).toContain("America/New_York");
  });

  it("formats a fire time in the schedule's zone", () => {
    const at = Date.parse("2026-12-01T08:30:00Z");
    expect(formatInZone(at, "Europe/Paris")).toContain("09:30:00 (Europe/Paris)");
    expect(formatInZone(at, "")).toContain("08:30:00 (UTC)");
  });
});
