import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  firstFire,
  NotFoundError,
  type PlanDefinition,
  parsePlanObject,
  parseScheduleObject,
  type StoredSchedule,
  silentLogger,
} from "@taskloom/core";
import { openSqliteTaskloomDatabase, type SqliteTaskloomDatabase } from "@taskloom/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ScheduleSystem } from "../src/index.ts";

const T0 = Date.parse("2026-12-01T08:00:00Z");
const MINUTE = 60_000;
const PLAN = parsePlanObject({
  plan: "nightly",
  params: { target: "dev" },
  tasks: { build: { kind: "noop" } },
});

/** A settable clock shared by every "process" of a test: time moves only when the test says so. */
const clock = { t: T0, now: () => clock.t };

let dir: string;
let opened: SqliteTaskloomDatabase[];

/** One process's view of the database file: its own connections, as another worker or server would have. */
function openProcess(): { database: SqliteTaskloomDatabase; system: ScheduleSystem } {
  const database = openSqliteTaskloomDatabase({ url: `file:${path.join(dir, "taskloom.db")}`, cwd: dir });
  opened.push(database);
  const system = new ScheduleSystem({
    schedules: database.schedules,
    clock,
    logger: silentLogger,
    startRun: (planSlug, params) =>
      database.store.createRun({ planSlug, trigger: "schedule", params, now: clock.now() }),
    runStatus: async (runId) => {
      try {
        return await database.store.getRunStatus(runId);
      } catch (error) {
        if (error instanceof NotFoundError) return null;
        throw error;
      }
    },
  });
  return { database, system };
}

async function addSchedule(
  database: SqliteTaskloomDatabase,
  document: Record<string, unknown>,
  plan: PlanDefinition = PLAN,
): Promise<StoredSchedule> {
  const definition = parseScheduleObject(document, plan);
  return database.schedules.createSchedule({
    planSlug: plan.slug,
    definition,
    source: "api",
    position: 0,
    nextFireAt: firstFire(definition.rule, clock.now(), clock.now()),
    now: clock.now(),
  });
}

async function scheduledRuns(database: SqliteTaskloomDatabase) {
  return (await database.queries.listRuns({ planSlug: PLAN.slug, limit: 1000 })).filter(
    (run) => run.trigger === "schedule",
  );
}

async function scheduleEvents(database: SqliteTaskloomDatabase) {
  const events = await database.store.readEvents({ afterId: 0, limit: 10_000 });
  return events.filter((event) => event.type.startsWith("schedule."));
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-schedules-"));
  opened = [];
  clock.t = T0;
  const { database } = openProcess();
  await database.store.importPlan(PLAN, { baseDir: dir, now: clock.now() });
});

afterEach(async () => {
  for (const database of opened) await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("ScheduleSystem on a real SQLite file", () => {
  it("fires a one-shot `at` a few seconds ahead exactly once with two processes ticking", async () => {
    const a = openProcess();
    const b = openProcess();
    await addSchedule(a.database, {
      name: "soon",
      at: new Date(T0 + 3000).toISOString(),
      params: { target: "prod" },
    });

    for (const step of [0, 1000, 2000]) {
      clock.t = T0 + step;
      await Promise.all([a.system.tick(), b.system.tick()]);
    }
    expect(await scheduledRuns(a.database)).toHaveLength(0);

    for (const step of [3000, 3000, 4000, 5000, 65_000]) {
      clock.t = T0 + step;
      await Promise.all([a.system.tick(), b.system.tick(), a.system.tick()]);
    }
    const runs = await scheduledRuns(b.database);
    expect(runs).toHaveLength(1);
    const fired = (await scheduleEvents(a.database)).filter((event) => event.type === "schedule.fired");
    expect(fired).toHaveLength(1);
    expect(fired[0]?.runId).toBe(runs[0]?.id);
    const detail = await a.database.queries.getRun(runs[0]?.id ?? "");
    expect(detail.params).toEqual({ target: "prod" });
    const [schedule] = await a.database.schedules.listSchedules();
    expect(schedule?.nextFireAt).toBeNull();
    expect(schedule?.lastRunId).toBe(runs[0]?.id);
  });

  it("after a restart, fires what was missed as each schedule's missed policy says", async () => {
    const first = openProcess();
    for (const missed of ["skip", "catchup-one", "catchup-all"]) {
      await addSchedule(first.database, { name: missed, every: "1m", missed, overlap: "allow" });
    }
    await first.system.stop();
    for (const database of opened) await database.close();
    opened = [];

    // Everything stopped from 08:00 to 08:10:30: fires at 08:01 … 08:10 came due; 08:10 is still on time.
    clock.t = T0 + 10 * MINUTE + 30_000;
    const restarted = openProcess();
    const result = await restarted.system.tick();
    expect(result.started).toHaveLength(1 + 2 + 10);

    const fired = (await scheduleEvents(restarted.database)).filter(
      (event) => event.type === "schedule.fired",
    );
    const byName = new Map<string, number[]>();
    const schedules = await restarted.database.schedules.listSchedules();
    for (const event of fired) {
      const schedule = schedules.find((s) => s.id === event.data?.scheduleId);
      const fires = byName.get(schedule?.name ?? "") ?? [];
      fires.push(...((event.data?.fireAts as number[]) ?? []));
      byName.set(schedule?.name ?? "", fires);
    }
    expect(byName.get("skip")).toEqual([T0 + 10 * MINUTE]);
    expect(byName.get("catchup-one")).toEqual([T0 + 9 * MINUTE, T0 + 10 * MINUTE]);
    expect(byName.get("catchup-all")).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((m) => T0 + m * MINUTE));
    for (const schedule of schedules) expect(schedule.nextFireAt).toBe(T0 + 11 * MINUTE);

    // A second tick at the same time starts nothing more.
    expect((await restarted.system.tick()).started).toEqual([]);
  });

  it("skips a fire while the schedule's previous run is still open (overlap: skip)", async () => {
    const { database, system } = openProcess();
    await addSchedule(database, { every: "1m" });

    clock.t = T0 + MINUTE;
    const [firstRun] = (await system.tick()).started;
    expect(firstRun).toBeDefined();

    clock.t = T0 + 2 * MINUTE;
    expect(await system.tick()).toEqual({ started: [], skipped: 1, queued: 0 });
    const skipped = (await scheduleEvents(database)).filter((event) => event.type === "schedule.skipped");
    expect(skipped.map((event) => event.data?.fireAts)).toEqual([[T0 + 2 * MINUTE]]);

    await database.store.requestCancel(firstRun ?? "", clock.now());
    clock.t = T0 + 3 * MINUTE;
    expect((await system.tick()).started).toHaveLength(1);
    expect(await scheduledRuns(database)).toHaveLength(2);
  });

  it("queues a fire while the previous run is open and starts it when that run ends (overlap: queue)", async () => {
    const { database, system } = openProcess();
    await addSchedule(database, { every: "1m", overlap: "queue" });

    clock.t = T0 + MINUTE;
    const [firstRun] = (await system.tick()).started;
    clock.t = T0 + 2 * MINUTE;
    expect(await system.tick()).toEqual({ started: [], skipped: 0, queued: 1 });
    clock.t += 1000;
    expect((await system.tick()).started).toEqual([]); // still open: the fire keeps waiting

    await database.store.requestCancel(firstRun ?? "", clock.now());
    clock.t += 1000; // well before the 08:03 fire
    const { started } = await system.tick();
    expect(started).toHaveLength(1);
    const fired = (await scheduleEvents(database)).filter((event) => event.type === "schedule.fired");
    expect(fired.map((event) => event.data?.fireAts)).toEqual([[T0 + MINUTE], [T0 + 2 * MINUTE]]);
    const [schedule] = await database.schedules.listSchedules();
    expect(schedule?.queuedFires).toEqual([]);
    expect(schedule?.lastRunId).toBe(started[0]);
  });

  it("never fires a paused schedule, and records a fire whose run cannot start", async () => {
    const { database, system } = openProcess();
    const paused = await addSchedule(database, { name: "paused", every: "1m", enabled: false });
    const orphan = await addSchedule(database, { name: "orphan", every: "1m" }, { ...PLAN, slug: "gone" });

    clock.t = T0 + MINUTE;
    expect((await system.tick()).started).toEqual([]);
    const events = await scheduleEvents(database);
    expect(events.map((event) => [event.type, event.data?.scheduleId])).toEqual([
      ["schedule.failed", orphan.id],
    ]);
    expect(String(events[0]?.data?.detail)).toMatch(/gone/);
    expect((await database.schedules.getSchedule(paused.id)).lastFireAt).toBeNull();
  });
});
