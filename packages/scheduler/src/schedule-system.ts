import {
  type Clock,
  dueFires,
  isTerminalRunStatus,
  type Logger,
  MAX_QUEUED_FIRES,
  type ParamValue,
  type RunStatus,
  type ScheduleStore,
  type StoredSchedule,
} from "@taskloom/core";
import { PeriodicTick } from "./periodic-tick.ts";

/** What the schedule system shares with its process; time is injected. */
export interface ScheduleSystemResources {
  schedules: ScheduleStore;
  /**
   * Creates one run of the plan with these params, trigger `schedule`. Rejects when the plan, or a param the
   * schedule sets, no longer exists (the fire is then recorded as `schedule.failed`).
   */
  startRun(planSlug: string, params: Record<string, ParamValue>): Promise<{ runId: string }>;
  /** The status of a run, or null when it does not exist (any more). */
  runStatus(runId: string): Promise<RunStatus | null>;
  clock: Clock;
  logger: Logger;
}

export interface ScheduleSystemOptions {
  /** How often due schedules are looked for, in ms. Default 1000. */
  tickMs?: number;
  /** Most schedules handled per tick (the rest wait for the next one). Default 100. */
  batch?: number;
}

/** What one tick did, for tests and logs. */
export interface TickResult {
  /** Runs started, in order. */
  started: string[];
  /** Fires dropped: missed under `missed: skip` (or beyond the catch-up bound), or by `overlap: skip`. */
  skipped: number;
  /** Fires now waiting for an open run (`overlap: queue`). */
  queued: number;
}

/** How one schedule's due fires are handled at one tick: pure, from what was read. */
interface FirePlan {
  start: number[];
  overlapSkipped: number[];
  newlyQueued: number[];
  queue: number[];
  missedSkipped: number;
  nextFireAt: number | null;
  lastFireAt: number | null;
}

function planFires(schedule: StoredSchedule, now: number, previousOpen: boolean): FirePlan {
  const due =
    schedule.nextFireAt !== null && schedule.nextFireAt <= now
      ? dueFires(schedule.rule, schedule.nextFireAt, now, schedule.anchorAt, schedule.missed)
      : { fires: [], skipped: 0, nextFireAt: schedule.nextFireAt };
  const lastFireAt = due.fires.at(-1) ?? null;
  const base = { missedSkipped: due.skipped, nextFireAt: due.nextFireAt, lastFireAt };
  // Fires queued under an earlier `overlap: queue` are handled as the current policy says.
  const pending = [...schedule.queuedFires, ...due.fires];
  switch (schedule.overlap) {
    case "allow":
      return { ...base, start: pending, overlapSkipped: [], newlyQueued: [], queue: [] };
    case "skip": {
      // One run at a time: the first due fire starts when nothing is open; every other one is an overlap.
      const start = previousOpen ? [] : pending.slice(0, 1);
      return { ...base, start, overlapSkipped: pending.slice(start.length), newlyQueued: [], queue: [] };
    }
    case "queue": {
      const start = previousOpen ? [] : pending.slice(0, 1);
      const waiting = pending.slice(start.length);
      const queue = waiting.slice(0, MAX_QUEUED_FIRES);
      return {
        ...base,
        start,
        overlapSkipped: waiting.slice(MAX_QUEUED_FIRES),
        newlyQueued: queue.filter((fire) => !schedule.queuedFires.includes(fire)),
        queue,
      };
    }
  }
}

/**
 * Fires due schedules: every `tickMs` it reads the schedules with a due fire (or queued fires), decides per
 * missed and overlap policy which fires start runs, claims them with a compare-and-set on the schedule's next
 * fire time (so with several workers and servers on one database exactly one process wins each fire), then
 * starts the runs and records each fire as an event. Nothing is kept in memory between ticks: a restarted
 * process picks up where the database says, so fires due while everything was stopped follow `missed`.
 *
 * A process that dies between winning a fire and creating its run loses that fire (at most once, never twice).
 */
export class ScheduleSystem {
  readonly #resources: ScheduleSystemResources;
  readonly #batch: number;
  readonly #loop: PeriodicTick<TickResult>;

  constructor(resources: ScheduleSystemResources, options: ScheduleSystemOptions = {}) {
    this.#resources = resources;
    this.#batch = options.batch ?? 100;
    this.#loop = new PeriodicTick(
      () => this.#tick(),
      options.tickMs ?? 1000,
      (error) => resources.logger.warn({ err: error }, "schedule tick failed"),
    );
  }

  /** Ticks now and then every `tickMs` until `stop()`. The timer does not hold the process open. */
  start(): void {
    this.#loop.start();
  }

  /** Stops ticking and waits for a tick in progress. */
  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /**
   * One pass over the due schedules at the clock's `now` (after any pass in progress). Tests call it directly
   * with an injected clock.
   */
  tick(): Promise<TickResult> {
    return this.#loop.tick();
  }

  async #tick(): Promise<TickResult> {
    const { schedules, clock } = this.#resources;
    const now = clock.now();
    const result: TickResult = { started: [], skipped: 0, queued: 0 };
    for (const schedule of await schedules.dueSchedules(now, this.#batch)) {
      await this.#fire(schedule, now, result);
    }
    return result;
  }

  async #isOpen(runId: string | null): Promise<boolean> {
    if (runId === null) return false;
    const status = await this.#resources.runStatus(runId);
    return status !== null && !isTerminalRunStatus(status);
  }

  async #fire(schedule: StoredSchedule, now: number, result: TickResult): Promise<void> {
    const { schedules, logger } = this.#resources;
    const open = await this.#isOpen(schedule.lastRunId);
    const plan = planFires(schedule, now, open);
    const unchanged =
      plan.nextFireAt === schedule.nextFireAt &&
      plan.start.length === 0 &&
      plan.overlapSkipped.length === 0 &&
      JSON.stringify(plan.queue) === JSON.stringify(schedule.queuedFires);
    // A queue waiting for its open run: nothing to write.
    if (unchanged) return;
    const won = await schedules.advanceSchedule(
      schedule.id,
      {
        expected: { nextFireAt: schedule.nextFireAt, queuedFires: schedule.queuedFires },
        next: { nextFireAt: plan.nextFireAt, queuedFires: plan.queue, lastFireAt: plan.lastFireAt },
      },
      now,
    );
    if (!won) return; // Another process claimed these fires (or the schedule changed meanwhile).
    const record = (type: "schedule.skipped" | "schedule.queued", fireAts: number[], detail: string | null) =>
      schedules.recordFire({ scheduleId: schedule.id, type, runId: null, fireAts, detail, now });
    if (plan.missedSkipped > 0) {
      result.skipped += plan.missedSkipped;
      await record("schedule.skipped", [], `missed: ${plan.missedSkipped} fire(s) while nothing was firing`);
    }
    if (plan.overlapSkipped.length > 0) {
      result.skipped += plan.overlapSkipped.length;
      await record("schedule.skipped", plan.overlapSkipped, `overlap: run ${schedule.lastRunId} still open`);
    }
    if (plan.newlyQueued.length > 0) {
      result.queued += plan.newlyQueued.length;
      await record("schedule.queued", plan.newlyQueued, `waiting for run ${schedule.lastRunId}`);
    }
    for (const fireAt of plan.start) {
      try {
        const { runId } = await this.#resources.startRun(schedule.planSlug, schedule.params);
        result.started.push(runId);
        await schedules.recordFire({
          scheduleId: schedule.id,
          type: "schedule.fired",
          runId,
          fireAts: [fireAt],
          detail: null,
          now,
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        logger.warn({ err: error, scheduleId: schedule.id }, "a schedule could not start its run");
        await schedules.recordFire({
          scheduleId: schedule.id,
          type: "schedule.failed",
          runId: null,
          fireAts: [fireAt],
          detail: message,
          now,
        });
      }
    }
  }
}
