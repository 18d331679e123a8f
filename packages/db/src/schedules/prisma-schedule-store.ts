import { randomUUID } from "node:crypto";
import {
  ConflictError,
  type NewSchedule,
  NotFoundError,
  type ScheduleAdvance,
  type ScheduleChange,
  type ScheduleFireRecord,
  type ScheduleRule,
  type ScheduleStore,
  type StoredSchedule,
} from "@taskloom/core";
import type { TaskloomPrisma } from "../queries/prisma-sqlite.ts";

type ScheduleRow = Awaited<ReturnType<TaskloomPrisma["schedule"]["findFirstOrThrow"]>>;

const ORDER = [
  { planSlug: "asc" },
  { source: "desc" }, // `file` before `api`
  { position: "asc" },
  { createdAt: "asc" },
  { id: "asc" },
] as const;

function dateOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}

function toStored(row: ScheduleRow): StoredSchedule {
  return {
    id: row.id,
    planSlug: row.planSlug,
    name: row.name,
    source: row.source === "file" ? "file" : "api",
    position: row.position,
    rule: JSON.parse(row.ruleJson) as ScheduleRule,
    params: JSON.parse(row.paramsJson) as StoredSchedule["params"],
    missed: row.missed as StoredSchedule["missed"],
    overlap: row.overlap as StoredSchedule["overlap"],
    enabled: row.enabled,
    anchorAt: row.anchorAt.getTime(),
    nextFireAt: row.nextFireAt?.getTime() ?? null,
    lastFireAt: row.lastFireAt?.getTime() ?? null,
    lastRunId: row.lastRunId,
    queuedFires: JSON.parse(row.queuedFiresJson) as number[],
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

/** Prisma's unique-constraint violation (a duplicate schedule name in one plan). */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/**
 * The schedules of a database through the Prisma client, so the same code serves SQLite and PostgreSQL.
 * No interactive transactions: on SQLite the engine's synchronous writer shares the process, and a Prisma
 * transaction awaiting between statements while that writer waits for the lock would stall both. Each
 * operation is one statement; the fire claim is a single conditional `updateMany`.
 */
export class PrismaScheduleStore implements ScheduleStore {
  readonly #prisma: () => TaskloomPrisma;

  constructor(prisma: () => TaskloomPrisma) {
    this.#prisma = prisma;
  }

  async listSchedules(filter: { planSlug?: string } = {}): Promise<StoredSchedule[]> {
    const rows = await this.#prisma().schedule.findMany({
      where: filter.planSlug === undefined ? {} : { planSlug: filter.planSlug },
      orderBy: [...ORDER],
    });
    return rows.map(toStored);
  }

  async getSchedule(id: string): Promise<StoredSchedule> {
    const row = await this.#prisma().schedule.findUnique({ where: { id } });
    if (row === null) throw new NotFoundError("schedule", id);
    return toStored(row);
  }

  async createSchedule(schedule: NewSchedule): Promise<StoredSchedule> {
    const { definition, now } = schedule;
    try {
      const row = await this.#prisma().schedule.create({
        data: {
          id: `sch_${randomUUID().replaceAll("-", "").slice(0, 16)}`,
          planSlug: schedule.planSlug,
          name: definition.name,
          source: schedule.source,
          position: schedule.position,
          ruleJson: JSON.stringify(definition.rule),
          paramsJson: JSON.stringify(definition.params),
          missed: definition.missed,
          overlap: definition.overlap,
          enabled: definition.enabled,
          anchorAt: new Date(now),
          nextFireAt: dateOrNull(schedule.nextFireAt),
          createdAt: new Date(now),
          updatedAt: new Date(now),
        },
      });
      return toStored(row);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError(`plan ${schedule.planSlug} already has a schedule named ${definition.name}`);
      throw error;
    }
  }

  async updateSchedule(id: string, change: ScheduleChange, now: number): Promise<StoredSchedule> {
    const data: Record<string, unknown> = { updatedAt: new Date(now) };
    if (change.name !== undefined) data.name = change.name;
    if (change.rule !== undefined) data.ruleJson = JSON.stringify(change.rule);
    if (change.params !== undefined) data.paramsJson = JSON.stringify(change.params);
    if (change.missed !== undefined) data.missed = change.missed;
    if (change.overlap !== undefined) data.overlap = change.overlap;
    if (change.enabled !== undefined) data.enabled = change.enabled;
    if (change.nextFireAt !== undefined) data.nextFireAt = dateOrNull(change.nextFireAt);
    if (change.anchorAt !== undefined) data.anchorAt = new Date(change.anchorAt);
    if (change.position !== undefined) data.position = change.position;
    if (change.source !== undefined) data.source = change.source;
    // A changed rule or a resume drops fires queued under the old state.
    if (change.rule !== undefined || change.enabled === true) data.queuedFiresJson = "[]";
    try {
      const { count } = await this.#prisma().schedule.updateMany({ where: { id }, data });
      if (count === 0) throw new NotFoundError("schedule", id);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`a schedule named ${change.name} already exists`);
      throw error;
    }
    return this.getSchedule(id);
  }

  async removeSchedule(id: string): Promise<void> {
    const { count } = await this.#prisma().schedule.deleteMany({ where: { id } });
    if (count === 0) throw new NotFoundError("schedule", id);
  }

  async dueSchedules(now: number, limit: number): Promise<StoredSchedule[]> {
    const rows = await this.#prisma().schedule.findMany({
      where: {
        enabled: true,
        OR: [{ nextFireAt: { lte: new Date(now) } }, { NOT: { queuedFiresJson: "[]" } }],
      },
      orderBy: [{ nextFireAt: "asc" }, { id: "asc" }],
      take: limit,
    });
    return rows.map(toStored);
  }

  async advanceSchedule(id: string, advance: ScheduleAdvance, now: number): Promise<boolean> {
    const { expected, next } = advance;
    const { count } = await this.#prisma().schedule.updateMany({
      where: {
        id,
        enabled: true,
        nextFireAt: dateOrNull(expected.nextFireAt),
        queuedFiresJson: JSON.stringify(expected.queuedFires),
      },
      data: {
        nextFireAt: dateOrNull(next.nextFireAt),
        queuedFiresJson: JSON.stringify(next.queuedFires),
        ...(next.lastFireAt === null ? {} : { lastFireAt: new Date(next.lastFireAt) }),
        updatedAt: new Date(now),
      },
    });
    return count === 1;
  }

  async recordFire(fire: ScheduleFireRecord): Promise<void> {
    const prisma = this.#prisma();
    if (fire.runId !== null) {
      await prisma.schedule.updateMany({ where: { id: fire.scheduleId }, data: { lastRunId: fire.runId } });
    }
    await prisma.event.create({
      data: {
        type: fire.type,
        runId: fire.runId,
        dataJson: JSON.stringify({
          scheduleId: fire.scheduleId,
          fireAts: fire.fireAts,
          ...(fire.detail === null ? {} : { detail: fire.detail }),
          ...(fire.manual ? { manual: true } : {}),
        }),
        createdAt: new Date(fire.now),
      },
    });
  }
}
