import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PlanValidationError } from "@taskloom/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Taskloom } from "../taskloom.ts";

const T0 = Date.parse("2026-12-01T08:00:00Z");
const clock = { t: T0, now: () => clock.t };
let dir: string;
let taskloom: Taskloom;

const planText = (schedules: string) => `plan: reports
params: { target: dev }
tasks:
  build: { kind: noop }
${schedules}`;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-schedule-service-"));
  clock.t = T0;
  taskloom = await Taskloom.open({ databaseUrl: `file:${path.join(dir, "t.db")}`, cwd: dir, clock });
});
afterEach(async () => {
  await taskloom.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("schedules through the engine", () => {
  it("imports a plan file's schedules, keeps the next fire of unchanged ones on re-import, and exports them", async () => {
    const file = planText(`schedules:
  - name: hourly
    every: 1h
  - cron: "0 2 * * *"
    timezone: Europe/Paris
`);
    const first = await taskloom.importPlanSource(file);
    const listed = await taskloom.schedules.list({ planSlug: "reports" });
    expect(listed.map((s) => [s.name, s.description, s.nextFireAt])).toEqual([
      ["hourly", "every 1h", T0 + 3_600_000],
      [null, "cron 0 2 * * * (Europe/Paris)", Date.parse("2026-12-02T01:00:00Z")],
    ]);
    expect(listed[0]?.upcoming).toEqual([1, 2, 3].map((h) => T0 + h * 3_600_000));

    // Later, the same file again plus a change to the unnamed one's params: nothing else moves.
    clock.t = T0 + 10 * 60_000;
    const again = await taskloom.importPlanSource(
      file.replace("timezone: Europe/Paris", "timezone: Europe/Paris\n    params: { target: prod }"),
    );
    expect(again.version).toBe(first.version);
    const after = await taskloom.schedules.list({ planSlug: "reports" });
    expect(after.map((s) => [s.id, s.nextFireAt])).toEqual(listed.map((s) => [s.id, s.nextFireAt]));
    expect(after[1]?.params).toEqual({ target: "prod" });

    const exported = await taskloom.exportPlan("reports");
    expect(exported).toContain("schedules:");
    expect(exported).toContain("every: 1h");
    expect(exported).toContain("timezone: Europe/Paris");

    // A file without the unnamed schedule removes it, but a schedule added by hand stays.
    await taskloom.schedules.create("reports", { name: "by-hand", every: "5m" });
    await taskloom.importPlanSource(planText("schedules:\n  - name: hourly\n    every: 1h\n"));
    expect((await taskloom.schedules.list()).map((s) => s.name)).toEqual(["hourly", "by-hand"]);
  });

  it("refuses a schedule the plan file would refuse, with the same issues", async () => {
    await taskloom.importPlanSource(planText(""));
    const error = await taskloom.schedules
      .create("reports", { cron: "* *", params: { nope: 1 } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(PlanValidationError);
    expect((error as PlanValidationError).issues.map((issue) => [issue.path, issue.code])).toEqual([
      ["cron", "invalid_value"],
      ["params.nope", "invalid_key"],
    ]);
    await expect(taskloom.schedules.create("missing", { every: "1m" })).rejects.toThrow(/plan not found/);
    await expect(taskloom.schedules.create("reports", { at: "2020-01-01T00:00:00Z" })).rejects.toThrow(
      /in the past/,
    );
  });

  it("pauses, resumes, updates, triggers and removes a schedule by id or PLAN/NAME", async () => {
    await taskloom.importPlanSource(planText(""));
    const created = await taskloom.schedules.create("reports", { name: "often", every: "1m" });
    expect((await taskloom.schedules.pause("reports/often")).upcoming).toEqual([]);

    clock.t = T0 + 5 * 60_000 + 30_000;
    const resumed = await taskloom.schedules.resume(created.id);
    // Resumed: from the next fire after now, not the ones missed while paused.
    expect(resumed.nextFireAt).toBe(T0 + 6 * 60_000);

    const updated = await taskloom.schedules.update("reports/often", {
      cron: "0 * * * *",
      params: { target: "x" },
    });
    expect(updated.rule).toEqual({ kind: "cron", cron: "0 * * * *", timezone: null });
    expect(updated.nextFireAt).toBe(T0 + 3_600_000);

    const run = await taskloom.schedules.trigger("reports/often");
    const detail = await taskloom.queries.getRun(run.runId);
    expect([detail.trigger, detail.params]).toEqual(["schedule", { target: "x" }]);
    expect((await taskloom.schedules.get(created.id)).lastRun).toEqual({ id: run.runId, status: "queued" });

    await taskloom.schedules.remove("reports/often");
    await expect(taskloom.schedules.get(created.id)).rejects.toThrow(/schedule not found/);
  });

  it("fires through startSchedules with the run's trigger `schedule`", async () => {
    await taskloom.importPlanSource(planText(`schedules:\n  - at: "${new Date(T0 + 2000).toISOString()}"\n`));
    const system = taskloom.startSchedules({ tickMs: 60_000 });
    clock.t = T0 + 2000;
    const { started } = await system.tick();
    expect(started).toHaveLength(1);
    const runs = await taskloom.queries.listRuns({ planSlug: "reports" });
    expect(runs.map((r) => [r.id, r.trigger])).toEqual([[started[0], "schedule"]]);
  });

  it("previews a schedule from the injected clock: fires, issues, and an edit's kept next fire", async () => {
    await taskloom.importPlanSource(planText(""));
    const preview = await taskloom.schedules.preview("reports", { every: "10m", params: { target: "prod" } });
    expect(preview).toEqual({
      issues: [],
      description: "every 10m",
      upcoming: [1, 2, 3, 4, 5].map((n) => T0 + n * 600_000),
    });
    expect((await taskloom.schedules.preview("reports", { every: "10m", enabled: false })).upcoming).toEqual(
      [],
    );
    const badParam = await taskloom.schedules.preview("reports", { every: "10m", params: { colour: "red" } });
    expect(badParam.issues.map((issue) => [issue.path, issue.code])).toEqual([
      ["params.colour", "invalid_key"],
    ]);
    const past = await taskloom.schedules.preview("reports", { at: "2026-12-01T07:00:00Z" });
    expect(past).toMatchObject({ description: "at 2026-12-01T07:00:00.000Z", upcoming: [] });
    expect(past.issues.map((issue) => issue.message)).toEqual([
      "`at` is in the past: the schedule would never fire",
    ]);

    const created = await taskloom.schedules.create("reports", { name: "often", every: "10m" });
    clock.t = T0 + 25 * 60_000;
    // The same rule keeps the stored next fire (already due at +30m); a new rule counts from now.
    const same = await taskloom.schedules.preview(
      "reports",
      { name: "often", every: "10m", overlap: "allow" },
      created.id,
    );
    expect(same.upcoming.slice(0, 2)).toEqual([T0 + 10 * 60_000, T0 + 20 * 60_000]);
    const changed = await taskloom.schedules.preview(
      "reports",
      { name: "often", every: "1h" },
      "reports/often",
    );
    expect(changed.upcoming[0]).toBe(clock.t + 3_600_000);
    // Nothing was stored by previewing.
    expect((await taskloom.schedules.get(created.id)).rule).toEqual({ kind: "every", everyMs: 600_000 });
  });
});
