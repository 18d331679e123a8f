import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConflictError, NotFoundError, type ScheduleDefinition } from "@taskloom/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteTaskloomDatabase, type SqliteTaskloomDatabase } from "../index.ts";

let dir: string;
let a: SqliteTaskloomDatabase;
let b: SqliteTaskloomDatabase;

const hourly: ScheduleDefinition = {
  name: "hourly",
  rule: { kind: "every", everyMs: 3_600_000 },
  params: { target: "prod" },
  missed: "skip",
  overlap: "skip",
  enabled: true,
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-schedule-store-"));
  const url = `file:${path.join(dir, "t.db")}`;
  a = openSqliteTaskloomDatabase({ url, cwd: dir });
  b = openSqliteTaskloomDatabase({ url, cwd: dir });
});
afterEach(async () => {
  await a.close();
  await b.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const create = (definition: ScheduleDefinition, nextFireAt: number | null = 1000) =>
  a.schedules.createSchedule({ planSlug: "p", definition, source: "api", position: 0, nextFireAt, now: 1 });

describe("PrismaScheduleStore on SQLite", () => {
  it("lets exactly one of many concurrent claims of a fire win, across connections", async () => {
    const schedule = await create(hourly);
    const advance = {
      expected: { nextFireAt: 1000, queuedFires: [] },
      next: { nextFireAt: 3_601_000, queuedFires: [], lastFireAt: 1000 },
    };
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).schedules.advanceSchedule(schedule.id, advance, 2),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await b.schedules.getSchedule(schedule.id)).toMatchObject({
      nextFireAt: 3_601_000,
      lastFireAt: 1000,
    });
    // A claim that expects the queue it saw loses when the queue changed.
    const queued = { expected: { nextFireAt: 3_601_000, queuedFires: [5] }, next: advance.next };
    expect(await a.schedules.advanceSchedule(schedule.id, queued, 3)).toBe(false);
  });

  it("lists due schedules only when enabled and due, or holding queued fires", async () => {
    const due = await create(hourly, 1000);
    await create({ ...hourly, name: "later" }, 10_000);
    await create({ ...hourly, name: "paused", enabled: false }, 1000);
    const waiting = await create({ ...hourly, name: "waiting" }, 10_000);
    await a.schedules.advanceSchedule(
      waiting.id,
      {
        expected: { nextFireAt: 10_000, queuedFires: [] },
        next: { nextFireAt: 10_000, queuedFires: [900], lastFireAt: null },
      },
      2,
    );
    const found = await b.schedules.dueSchedules(5000, 10);
    expect(found.map((s) => s.id).sort()).toEqual([due.id, waiting.id].sort());
  });

  it("refuses a duplicate name in a plan and answers unknown ids with NotFoundError", async () => {
    const first = await create(hourly);
    await expect(create(hourly)).rejects.toBeInstanceOf(ConflictError);
    await expect(create({ ...hourly, name: null })).resolves.toMatchObject({ name: null });
    await expect(create({ ...hourly, name: null })).resolves.toMatchObject({ name: null });
    await expect(a.schedules.updateSchedule("sch_nope", { enabled: false }, 2)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(a.schedules.removeSchedule("sch_nope")).rejects.toBeInstanceOf(NotFoundError);
    await a.schedules.removeSchedule(first.id);
    await expect(b.schedules.getSchedule(first.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("records a fire as an event and makes its run the schedule's last run", async () => {
    const schedule = await create(hourly);
    await a.schedules.recordFire({
      scheduleId: schedule.id,
      type: "schedule.fired",
      runId: "run_1",
      fireAts: [1000],
      detail: null,
      now: 1001,
    });
    expect((await b.schedules.getSchedule(schedule.id)).lastRunId).toBe("run_1");
    const [event] = await b.store.readEvents({ afterId: 0, limit: 10 });
    expect(event).toMatchObject({
      type: "schedule.fired",
      runId: "run_1",
      data: { scheduleId: schedule.id, fireAts: [1000] },
      createdAt: 1001,
    });
  });
});
