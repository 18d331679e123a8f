import {
  type AuditEntry,
  BadInputError,
  canonicalJson,
  type DefinitionChange,
  MAX_AUDIT_ENTRIES,
  NotFoundError,
  type ParamValue,
  type PlanDefinition,
  planLinks,
  type RunDetail,
  type RunFilter,
  type RunGrid,
  type RunReads,
  type RunStatus,
  type RunSummary,
  type TaskDefinition,
  type TaskRunDetail,
  type TaskRunStatus,
} from "@taskloom/core";
import type { TaskloomPrisma } from "./prisma-sqlite.ts";
import { containsIgnoringCase, type ReadConnection } from "./read-connection.ts";

/** The latest time a JavaScript Date can hold (±8.64e15 ms around the epoch). */
const MAX_DATE_MS = 8.64e15;

/** A time filter as a Date, or a `BadInputError` (a Date out of range would reach the driver as NaN). */
function filterDate(name: string, value: number): Date {
  if (!Number.isSafeInteger(value) || Math.abs(value) > MAX_DATE_MS) {
    throw new BadInputError(`${name} must be a time in epoch milliseconds, got ${value}`);
  }
  return new Date(value);
}

/** `createdAt:id`, as `searchRuns` hands it out. */
function parseCursor(cursor: string): { createdAt: Date; id: string } {
  const match = /^(\d{1,16}):([A-Za-z0-9_-]{1,100})$/.exec(cursor);
  if (!match?.[1] || !match[2]) throw new BadInputError("invalid cursor (expected the nextCursor of a page)");
  return { createdAt: filterDate("cursor", Number(match[1])), id: match[2] };
}

const ms = (date: Date | null): number | null => (date === null ? null : date.getTime());
const span = (start: Date | null, end: Date | null): number | null =>
  start === null || end === null ? null : end.getTime() - start.getTime();
const parseDefinition = (json: string | null): TaskDefinition | null =>
  json === null ? null : (JSON.parse(json) as TaskDefinition);

interface RunRow {
  id: string;
  planVersion: number;
  status: string;
  trigger: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  plan: { slug: string };
}

function toRunSummary(run: RunRow, counts: Partial<Record<TaskRunStatus, number>>): RunSummary {
  return {
    id: run.id,
    planSlug: run.plan.slug,
    planVersion: run.planVersion,
    status: run.status as RunStatus,
    trigger: run.trigger,
    createdAt: run.createdAt.getTime(),
    startedAt: ms(run.startedAt),
    finishedAt: ms(run.finishedAt),
    counts,
  };
}

/** The sweep side of a task run: a group's need and point count, or a point's task, index and params. */
function sweepFields(
  task: {
    sweepNeed: string | null;
    pointCount: number | null;
    sweepGroupId: number | null;
    pointIndex: number | null;
    pointParamsJson: string | null;
  },
  keyOfId: ReadonlyMap<number, string>,
): Pick<TaskRunDetail, "sweep" | "point"> {
  if (task.sweepNeed !== null) {
    return { sweep: { need: task.sweepNeed === "any" ? "any" : "all", pointCount: task.pointCount } };
  }
  if (task.sweepGroupId === null || task.pointIndex === null) return {};
  return {
    point: {
      taskKey: keyOfId.get(task.sweepGroupId) ?? "",
      index: task.pointIndex,
      params: JSON.parse(task.pointParamsJson ?? "{}") as Record<string, ParamValue>,
    },
  };
}

function frozenGraph(plan: PlanDefinition): RunDetail["graph"] {
  return {
    tasks: plan.tasks,
    links: planLinks(plan.tasks),
  };
}

/** Runs, their task runs and attempts. */
export class RunQueries implements RunReads {
  readonly #connection: ReadConnection;

  constructor(connection: ReadConnection) {
    this.#connection = connection;
  }

  get #prisma(): TaskloomPrisma {
    return this.#connection.prisma();
  }

  async listRuns(input: { planSlug?: string; limit?: number } = {}): Promise<RunSummary[]> {
    return (await this.searchRuns({ ...input, limit: input.limit ?? 50 })).items;
  }

  /**
   * Runs newest first, filtered, one page at a time. The cursor is the last row's `createdAt:id` (keyset
   * pagination: page 100 costs what page 1 costs). `search` matches a task key or a task's output text.
   */
  async searchRuns(filter: RunFilter): Promise<{ items: RunSummary[]; nextCursor: string | null }> {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
    const after = filter.cursor ? parseCursor(filter.cursor) : null;
    const createdAt: { gte?: Date; lte?: Date } = {};
    if (filter.from !== undefined) createdAt.gte = filterDate("from", filter.from);
    if (filter.to !== undefined) createdAt.lte = filterDate("to", filter.to);
    const runs = await this.#prisma.run.findMany({
      where: {
        ...(filter.planSlug ? { plan: { slug: filter.planSlug } } : {}),
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.trigger ? { trigger: filter.trigger } : {}),
        ...(filter.from !== undefined || filter.to !== undefined ? { createdAt } : {}),
        ...(filter.search
          ? {
              taskRuns: {
                some: {
                  OR: [
                    { taskKey: containsIgnoringCase(this.#connection, filter.search) },
                    { outputText: containsIgnoringCase(this.#connection, filter.search) },
                  ],
                },
              },
            }
          : {}),
        ...(after
          ? {
              OR: [
                { createdAt: { lt: after.createdAt } },
                { createdAt: after.createdAt, id: { lt: after.id } },
              ],
            }
          : {}),
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit + 1,
      include: { plan: { select: { slug: true } } },
    });
    const page = runs.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor = runs.length > limit && last ? `${last.createdAt.getTime()}:${last.id}` : null;
    return { items: await this.#summaries(page), nextCursor };
  }

  async #summaries(runs: RunRow[]): Promise<RunSummary[]> {
    const counts = await this.#prisma.taskRun.groupBy({
      by: ["runId", "status"],
      where: { runId: { in: runs.map((run) => run.id) } },
      _count: { _all: true },
    });
    return runs.map((run) =>
      toRunSummary(
        run,
        Object.fromEntries(
          counts.filter((c) => c.runId === run.id).map((c) => [c.status, c._count._all]),
        ) as Partial<Record<TaskRunStatus, number>>,
      ),
    );
  }

  /** The slug of the plan a run belongs to (null when the run is unknown). */
  async planOfRun(runId: string): Promise<string | null> {
    const run = await this.#prisma.run.findUnique({
      where: { id: runId },
      select: { plan: { select: { slug: true } } },
    });
    return run?.plan.slug ?? null;
  }

  /** A run by id, or by a unique prefix of its id (what people type). */
  async auditTrail(runId: string): Promise<AuditEntry[]> {
    const id = await this.resolveRunId(runId);
    const events = await this.#prisma.event.findMany({
      where: { runId: id, type: "operator.action" },
      orderBy: { id: "desc" },
      take: MAX_AUDIT_ENTRIES,
    });
    return events.reverse().map((event) => {
      const { action, actor, reason, ...details } = (
        event.dataJson ? JSON.parse(event.dataJson) : {}
      ) as Record<string, unknown>;
      return {
        eventId: event.id,
        at: event.createdAt.getTime(),
        action: String(action),
        actor: String(actor),
        reason: typeof reason === "string" ? reason : null,
        taskKey: event.taskKey,
        fromStatus: event.fromStatus,
        toStatus: event.toStatus,
        details,
      };
    });
  }

  async resolveRunId(idOrPrefix: string): Promise<string> {
    const exact = await this.#prisma.run.findUnique({ where: { id: idOrPrefix }, select: { id: true } });
    if (exact) return exact.id;
    const matches = await this.#prisma.run.findMany({
      where: { id: { startsWith: idOrPrefix } },
      select: { id: true },
      take: 2,
    });
    if (matches.length === 1 && matches[0]) return matches[0].id;
    throw new NotFoundError("run", matches.length > 1 ? `${idOrPrefix} (ambiguous prefix)` : idOrPrefix);
  }

  async runGrid(planSlug: string, limit = 20): Promise<RunGrid> {
    const plan = await this.#prisma.plan.findUnique({
      where: { slug: planSlug },
      select: { id: true, tasks: { orderBy: { position: "asc" }, select: { key: true } } },
    });
    if (!plan) throw new NotFoundError("plan", planSlug);
    const runs = (
      await this.#prisma.run.findMany({
        where: { planId: plan.id },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: Math.min(Math.max(limit, 1), 100),
        select: {
          id: true,
          status: true,
          createdAt: true,
          startedAt: true,
          finishedAt: true,
          planVersion: true,
        },
      })
    ).reverse();
    const taskRuns = await this.#prisma.taskRun.findMany({
      // A sweep's points are not tasks of the plan: its row shows the sweep as a whole.
      where: { runId: { in: runs.map((run) => run.id) }, sweepGroupId: null },
      orderBy: { id: "asc" },
      select: { runId: true, taskKey: true, status: true, attempt: true, startedAt: true, finishedAt: true },
    });
    const tasks = plan.tasks.map((task) => task.key);
    const known = new Set(tasks);
    const cells: RunGrid["cells"] = {};
    for (const row of taskRuns) {
      if (!known.has(row.taskKey)) {
        known.add(row.taskKey);
        tasks.push(row.taskKey);
      }
      const cellsOfTask = cells[row.taskKey] ?? {};
      cells[row.taskKey] = cellsOfTask;
      cellsOfTask[row.runId] = {
        status: row.status as TaskRunStatus,
        attempts: row.attempt,
        durationMs: span(row.startedAt, row.finishedAt),
      };
    }
    return {
      runs: runs.map((run) => ({
        id: run.id,
        status: run.status as RunStatus,
        createdAt: run.createdAt.getTime(),
        planVersion: run.planVersion,
        durationMs: span(run.startedAt, run.finishedAt),
      })),
      tasks,
      cells,
    };
  }

  async definitionChange(runId: string, taskKey: string): Promise<DefinitionChange> {
    const id = await this.resolveRunId(runId);
    const taskRun = await this.#prisma.taskRun.findUnique({
      where: { runId_taskKey: { runId: id, taskKey } },
      select: { specJson: true, specVersion: true, run: { select: { planVersion: true, planId: true } } },
    });
    if (!taskRun) throw new NotFoundError("task", `${id}/${taskKey}`);
    const plan = await this.#prisma.plan.findUniqueOrThrow({
      where: { id: taskRun.run.planId },
      select: { version: true, tasks: { where: { key: taskKey }, select: { specJson: true } } },
    });
    const ran = JSON.parse(taskRun.specJson) as TaskDefinition;
    const current = parseDefinition(plan.tasks[0]?.specJson ?? null);
    return {
      ranVersion: taskRun.specVersion ?? taskRun.run.planVersion,
      latestVersion: plan.version,
      current,
      ran,
      changed: current !== null && canonicalJson(current) !== canonicalJson(ran),
    };
  }

  async getRun(runId: string): Promise<RunDetail> {
    const id = await this.resolveRunId(runId);
    const run = await this.#prisma.run.findUnique({
      where: { id },
      include: { plan: { select: { slug: true } }, taskRuns: { orderBy: { id: "asc" } } },
    });
    if (!run) throw new NotFoundError("run", runId);
    // One query for every attempt of the run: a nested include would bind one parameter per task run and
    // exceed SQLite's parameter limit on large runs.
    const attempts = await this.#prisma.taskAttempt.findMany({
      where: { taskRun: { runId: id } },
      orderBy: [{ taskRunId: "asc" }, { attempt: "asc" }],
    });
    const attemptsByTaskRun = new Map<number, typeof attempts>();
    for (const attempt of attempts) {
      const list = attemptsByTaskRun.get(attempt.taskRunId) ?? [];
      list.push(attempt);
      attemptsByTaskRun.set(attempt.taskRunId, list);
    }
    const counts: Partial<Record<TaskRunStatus, number>> = {};
    for (const task of run.taskRuns) {
      const status = task.status as TaskRunStatus;
      counts[status] = (counts[status] ?? 0) + 1;
    }
    const keyOfId = new Map(run.taskRuns.map((task) => [task.id, task.taskKey]));
    return {
      ...toRunSummary(run, counts),
      params: JSON.parse(run.paramsJson) as Record<string, unknown>,
      graph: frozenGraph(JSON.parse(run.graphJson) as PlanDefinition),
      tasks: run.taskRuns.map((task) => ({
        id: task.id,
        key: task.taskKey,
        kind: task.kind,
        status: task.status as TaskRunStatus,
        attempts: task.attempt,
        startedAt: ms(task.startedAt),
        finishedAt: ms(task.finishedAt),
        exitCode: task.exitCode,
        outputText: task.outputText,
        outputJson: task.outputJson === null ? null : (JSON.parse(task.outputJson) as unknown),
        error: task.error,
        reason: task.reason,
        queue: task.queue,
        priority: task.priority,
        concurrencyKey: task.concurrencyKey,
        concurrencyLimit: task.concurrencyLimit,
        notBefore: ms(task.notBefore),
        outputFrom: task.outputFrom as TaskRunDetail["outputFrom"],
        outputFromRunId: task.outputFromRunId,
        cacheKey: task.cacheKey,
        definitionVersion: task.specVersion ?? run.planVersion,
        definition: task.specVersion === null ? null : parseDefinition(task.specJson),
        ...sweepFields(task, keyOfId),
        attemptHistory: (attemptsByTaskRun.get(task.id) ?? []).map((a) => ({
          attempt: a.attempt,
          status: a.status,
          startedAt: a.startedAt.getTime(),
          finishedAt: ms(a.finishedAt),
          exitCode: a.exitCode,
          error: a.error,
          reason: a.reason,
          definitionVersion: a.specVersion ?? task.specVersion ?? run.planVersion,
          definition: parseDefinition(a.specJson),
          ...(a.snapshotHash !== null || a.model !== null
            ? {
                llm: {
                  snapshotHash: a.snapshotHash,
                  model: a.model,
                  promptTokens: a.promptTokens,
                  completionTokens: a.completionTokens,
                },
              }
            : {}),
        })),
      })),
    };
  }
}
