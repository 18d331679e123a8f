import {
  ConflictError,
  dueFires,
  NotFoundError,
  parsePlanObject,
  type ScheduleDefinition,
  type ScheduleStore,
  type StoredSchedule,
} from "@taskloom/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ContractStore, StoreUnderTest } from "./store-contract.ts";

/**
 * The schedule store's part of the contract (`ScheduleStore`): listing in a stable order, the edits, the due
 * query, the compare-and-set that claims a fire, and the fire record. Run on every provider by
 * `sqlite.test.ts` and `postgres.test.ts`, with a second connection standing for another worker or server.
 * Times are explicit epoch ms: nothing waits.
 */

const HOUR = 3_600_000;
const hourly: ScheduleDefinition = {
  name: "hourly",
  rule: { kind: "every", everyMs: HOUR },
  params: { target: "prod" },
  missed: "skip",
  overlap: "skip",
  enabled: true,
};

/** One process that fires schedules, as `ScheduleSystem` does: read what is due, claim it, start its run. */
interface Firer {
  store: ContractStore;
  schedules: ScheduleStore;
}

/**
 * One tick of `firer` at `now`: for each due schedule, the fires the core says are due, claimed with the
 * compare-and-set on the next fire time; the winner creates one run per fire and records it. Returns the
 * runs it started.
 */
async function tick(firer: Firer, now: number): Promise<string[]> {
  const started: string[] = [];
  for (const schedule of await firer.schedules.dueSchedules(now, 100)) {
    if (schedule.nextFireAt === null) continue;
    const due = dueFires(schedule.rule, schedule.nextFireAt, now, schedule.anchorAt, schedule.missed);
    const won = await firer.schedules.advanceSchedule(
      schedule.id,
      {
        expected: { nextFireAt: schedule.nextFireAt, queuedFires: schedule.queuedFires },
        next: { nextFireAt: due.nextFireAt, queuedFires: [], lastFireAt: due.fires.at(-1) ?? null },
      },
      now,
    );
    if (!won) continue;
    for (const fireAt of due.fires) {
      const { runId } = await firer.store.createRun({
        planSlug: schedule.planSlug,
        trigger: "schedule",
        params: schedule.params,
        now,
      });
      await firer.schedules.recordFire({
        scheduleId: schedule.id,
        type: "schedule.fired",
        runId,
        fireAts: [fireAt],
        detail: null,
        now,
      });
      started.push(runId);
    }
  }
  return started;
}

export function describeScheduleContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`schedule store contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let schedules: ScheduleStore;
    beforeEach(async () => {
      subject = await open();
      schedules = subject.schedules;
    });
    afterEach(async () => {
      await subject.close();
    });

    const create = (
      definition: ScheduleDefinition,
      options: {
        nextFireAt?: number | null;
        planSlug?: string;
        source?: "file" | "api";
        position?: number;
        now?: number;
      } = {},
    ): Promise<StoredSchedule> =>
      schedules.createSchedule({
        planSlug: options.planSlug ?? "p",
        definition,
        source: options.source ?? "api",
        position: options.position ?? 0,
        nextFireAt: options.nextFireAt === undefined ? 1000 : options.nextFireAt,
        now: options.now ?? 1,
      });

    it("creates and reads schedules back whole, listed by plan, file ones first in file order", async () => {
      const api = await create(hourly, { now: 5 });
      const second = await create(
        { ...hourly, name: "b", missed: "catchup-all", overlap: "queue" },
        {
          source: "file",
          position: 1,
          now: 6,
        },
      );
      const first = await create(
        { ...hourly, name: null, rule: { kind: "cron", cron: "0 2 * * *", timezone: "Europe/Paris" } },
        { source: "file", position: 0, nextFireAt: null, now: 7 },
      );
      const other = await create(hourly, { planSlug: "another", now: 8 });
      expect(await schedules.getSchedule(api.id)).toEqual({
        id: api.id,
        planSlug: "p",
        name: "hourly",
        source: "api",
        position: 0,
        rule: { kind: "every", everyMs: HOUR },
        params: { target: "prod" },
        missed: "skip",
        overlap: "skip",
        enabled: true,
        anchorAt: 5,
        nextFireAt: 1000,
        lastFireAt: null,
        lastRunId: null,
        queuedFires: [],
        createdAt: 5,
        updatedAt: 5,
      });
      expect((await schedules.getSchedule(first.id)).rule).toEqual({
        kind: "cron",
        cron: "0 2 * * *",
        timezone: "Europe/Paris",
      });
      expect((await schedules.listSchedules()).map((s) => s.id)).toEqual([
        other.id,
        first.id,
        second.id,
        api.id,
      ]);
      expect((await schedules.listSchedules({ planSlug: "p" })).map((s) => s.id)).toEqual([
        first.id,
        second.id,
        api.id,
      ]);
      const again = await subject.connectSchedulesAgain();
      expect(await again.listSchedules({ planSlug: "p" })).toEqual(
        await schedules.listSchedules({ planSlug: "p" }),
      );
    });

    it("updates the fields given; a new rule or a resume drops queued fires; unknown ids are NotFoundError", async () => {
      const schedule = await create({ ...hourly, overlap: "queue" });
      const queue = {
        expected: { nextFireAt: 1000, queuedFires: [] },
        next: { nextFireAt: 1000, queuedFires: [900], lastFireAt: null },
      };
      expect(await schedules.advanceSchedule(schedule.id, queue, 2)).toBe(true);
      const renamed = await schedules.updateSchedule(
        schedule.id,
        { name: "renamed", params: {}, missed: "catchup-one" },
        3,
      );
      expect(renamed).toMatchObject({
        name: "renamed",
        params: {},
        missed: "catchup-one",
        queuedFires: [900],
        updatedAt: 3,
      });
      const paused = await schedules.updateSchedule(schedule.id, { enabled: false }, 4);
      expect(paused).toMatchObject({ enabled: false, queuedFires: [900] });
      const resumed = await schedules.updateSchedule(schedule.id, { enabled: true, nextFireAt: 5000 }, 5);
      expect(resumed).toMatchObject({ enabled: true, nextFireAt: 5000, queuedFires: [] });
      const moved = await schedules.updateSchedule(
        schedule.id,
        { rule: { kind: "at", at: 9000 }, anchorAt: 6, nextFireAt: 9000, source: "file", position: 2 },
        6,
      );
      expect(moved).toMatchObject({
        rule: { kind: "at", at: 9000 },
        anchorAt: 6,
        source: "file",
        position: 2,
      });
      const done = await schedules.updateSchedule(schedule.id, { nextFireAt: null }, 7);
      expect(done.nextFireAt).toBeNull();
      await expect(schedules.updateSchedule("sch_nope", { enabled: false }, 2)).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(schedules.getSchedule("sch_nope")).rejects.toBeInstanceOf(NotFoundError);
    });

    it("refuses a duplicate name in one plan (created or renamed to), and allows unnamed ones and other plans", async () => {
      await create(hourly);
      await expect(create(hourly)).rejects.toBeInstanceOf(ConflictError);
      await expect(create(hourly, { planSlug: "another" })).resolves.toMatchObject({ name: "hourly" });
      await expect(create({ ...hourly, name: null })).resolves.toMatchObject({ name: null });
      const unnamed = await create({ ...hourly, name: null });
      await expect(schedules.updateSchedule(unnamed.id, { name: "hourly" }, 2)).rejects.toBeInstanceOf(
        ConflictError,
      );
    });

    it("removes a schedule, once", async () => {
      const schedule = await create(hourly);
      await schedules.removeSchedule(schedule.id);
      await expect(schedules.getSchedule(schedule.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(schedules.removeSchedule(schedule.id)).rejects.toBeInstanceOf(NotFoundError);
      expect(await schedules.listSchedules()).toEqual([]);
    });

    it("lists due schedules only when enabled and due or holding queued fires, soonest first, up to the limit", async () => {
      const later = await create({ ...hourly, name: "later" }, { nextFireAt: 3000 });
      const due = await create(hourly, { nextFireAt: 1000 });
      await create({ ...hourly, name: "future" }, { nextFireAt: 10_000 });
      await create({ ...hourly, name: "paused", enabled: false }, { nextFireAt: 1000 });
      await create({ ...hourly, name: "done" }, { nextFireAt: null });
      const waiting = await create({ ...hourly, name: "waiting" }, { nextFireAt: 10_000 });
      await schedules.advanceSchedule(
        waiting.id,
        {
          expected: { nextFireAt: 10_000, queuedFires: [] },
          next: { nextFireAt: 10_000, queuedFires: [900], lastFireAt: null },
        },
        2,
      );
      const other = await subject.connectSchedulesAgain();
      expect((await other.dueSchedules(5000, 10)).map((s) => s.id)).toEqual([due.id, later.id, waiting.id]);
      expect((await other.dueSchedules(5000, 1)).map((s) => s.id)).toEqual([due.id]);
      expect(await other.dueSchedules(999, 10)).toMatchObject([{ id: waiting.id }]);
    });

    it("claims a fire by compare-and-set: of many concurrent claims across connections exactly one wins", async () => {
      const schedule = await create(hourly);
      const other = await subject.connectSchedulesAgain();
      const advance = {
        expected: { nextFireAt: 1000, queuedFires: [] },
        next: { nextFireAt: 1000 + HOUR, queuedFires: [], lastFireAt: 1000 },
      };
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? schedules : other).advanceSchedule(schedule.id, advance, 2),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await other.getSchedule(schedule.id)).toMatchObject({
        nextFireAt: 1000 + HOUR,
        lastFireAt: 1000,
        updatedAt: 2,
      });
      // A claim that saw another queue, or a schedule since paused, or one removed, loses.
      const next = { nextFireAt: 1000 + 2 * HOUR, queuedFires: [], lastFireAt: 1000 + HOUR };
      expect(
        await schedules.advanceSchedule(
          schedule.id,
          { expected: { nextFireAt: 1000 + HOUR, queuedFires: [5] }, next },
          3,
        ),
      ).toBe(false);
      await schedules.updateSchedule(schedule.id, { enabled: false }, 4);
      expect(
        await schedules.advanceSchedule(
          schedule.id,
          { expected: { nextFireAt: 1000 + HOUR, queuedFires: [] }, next },
          5,
        ),
      ).toBe(false);
      expect(await schedules.advanceSchedule("sch_nope", advance, 5)).toBe(false);
      // A one-shot that has fired (next fire null) still holds its queue, and is claimed the same way.
      const once = await create({
        ...hourly,
        name: "once",
        rule: { kind: "at", at: 1000 },
        overlap: "queue",
      });
      const fired = {
        expected: { nextFireAt: 1000, queuedFires: [] },
        next: { nextFireAt: null, queuedFires: [1000], lastFireAt: null },
      };
      expect(await schedules.advanceSchedule(once.id, fired, 6)).toBe(true);
      const drained = {
        expected: { nextFireAt: null, queuedFires: [1000] },
        next: { nextFireAt: null, queuedFires: [], lastFireAt: 1000 },
      };
      const results = await Promise.all([
        schedules.advanceSchedule(once.id, drained, 7),
        other.advanceSchedule(once.id, drained, 7),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await schedules.getSchedule(once.id)).toMatchObject({
        nextFireAt: null,
        queuedFires: [],
        lastFireAt: 1000,
      });
    });

    it("records a fire as an event, making its run the schedule's last run", async () => {
      const schedule = await create(hourly);
      await schedules.recordFire({
        scheduleId: schedule.id,
        type: "schedule.fired",
        runId: "run_1",
        fireAts: [1000],
        detail: null,
        now: 1001,
      });
      await schedules.recordFire({
        scheduleId: schedule.id,
        type: "schedule.fired",
        runId: "run_2",
        fireAts: [1002],
        detail: null,
        manual: true,
        now: 1002,
      });
      await schedules.recordFire({
        scheduleId: schedule.id,
        type: "schedule.skipped",
        runId: null,
        fireAts: [],
        detail: "missed: 3",
        now: 1003,
      });
      const other = await subject.connectSchedulesAgain();
      // A fire that starts no run leaves the last run as it was.
      expect((await other.getSchedule(schedule.id)).lastRunId).toBe("run_2");
      const events = (await subject.store.readEvents({ afterId: 0, limit: 10 })).filter((e) =>
        e.type.startsWith("schedule."),
      );
      expect(events.map(({ type, runId, data, createdAt }) => ({ type, runId, data, createdAt }))).toEqual([
        {
          type: "schedule.fired",
          runId: "run_1",
          data: { scheduleId: schedule.id, fireAts: [1000] },
          createdAt: 1001,
        },
        {
          type: "schedule.fired",
          runId: "run_2",
          data: { scheduleId: schedule.id, fireAts: [1002], manual: true },
          createdAt: 1002,
        },
        {
          type: "schedule.skipped",
          runId: null,
          data: { scheduleId: schedule.id, fireAts: [], detail: "missed: 3" },
          createdAt: 1003,
        },
      ]);
    });

    it("two firers ticking together start exactly one run per fire", async () => {
      const slug = "fired";
      await subject.store.importPlan(parsePlanObject({ plan: slug, tasks: { a: { kind: "noop" } } }), {
        baseDir: null,
        now: 0,
      });
      const T0 = 1_000_000;
      const every = await create(
        { ...hourly, params: {} },
        { planSlug: slug, nextFireAt: T0 + HOUR, now: T0 },
      );
      const once = await create(
        { ...hourly, name: "once", params: {}, rule: { kind: "at", at: T0 + 90 * 60_000 } },
        {
          planSlug: slug,
          nextFireAt: T0 + 90 * 60_000,
          now: T0,
        },
      );
      const a: Firer = { store: subject.store, schedules };
      const b: Firer = {
        store: await subject.connectAgain(),
        schedules: await subject.connectSchedulesAgain(),
      };
      const started: string[] = [];
      // Three hours of ticks every ten minutes, both firers at the same instants.
      for (let now = T0; now <= T0 + 3 * HOUR; now += 10 * 60_000) {
        const [byA, byB] = await Promise.all([tick(a, now), tick(b, now)]);
        started.push(...byA, ...byB);
      }
      // `every` fired at +1h, +2h, +3h; `once` at +1h30: four fires, four runs.
      expect(started).toHaveLength(4);
      expect(new Set(started).size).toBe(4);
      const fired = (await subject.store.readEvents({ afterId: 0, limit: 1000 })).filter(
        (e) => e.type === "schedule.fired",
      );
      const fireAts = (id: string) =>
        fired.filter((e) => e.data?.scheduleId === id).flatMap((e) => e.data?.fireAts as number[]);
      expect(fireAts(every.id)).toEqual([T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]);
      expect(fireAts(once.id)).toEqual([T0 + 90 * 60_000]);
      expect((await schedules.getSchedule(once.id)).nextFireAt).toBeNull();
      expect((await schedules.getSchedule(every.id)).nextFireAt).toBe(T0 + 4 * HOUR);
      for (const runId of started) expect(await subject.store.getRunStatus(runId)).toBe("queued");
    });
  });
}
