import {
  BadInputError,
  NotFoundError,
  type PlanDefinition,
  type RunStatus,
  type TaskDefinition,
  type TaskRunStatus,
} from "@taskloom/core";
import type { TaskloomPrisma } from "./prisma-sqlite.ts";

/** Read models for the CLI and the dashboard. Plain data; times are epoch ms. */
export interface PlanSummary {
  slug: string;
  name: string;
  version: number;
  taskCount: number;
  updatedAt: number;
  lastRun: { id: string; status: RunStatus; createdAt: number } | null;
}

export interface TaskSummary {
  planSlug: string;
  key: string;
  name: string;
  kind: string;
  priority: number;
  queue: string;
  requires: string[];
  refers: string[];
}

export interface RunFilter {
  planSlug?: string;
  status?: RunStatus;
  trigger?: string;
  /** Created at or after (epoch ms). */
  from?: number;
  /** Created at or before (epoch ms). */
  to?: number;
  search?: string;
  cursor?: string;
  /** Default 50, at most 200. */
  limit?: number;
}

function parseCursor(cursor: string): { createdAt: number; id: string } {
  const colon = cursor.indexOf(":");
  const createdAt = Number(cursor.slice(0, colon));
  if (colon < 0 || !Number.isFinite(createdAt)) throw new BadInputError(`invalid cursor: ${cursor}`);
  return { createdAt, id: cursor.slice(colon + 1) };
}

export interface RunSummary {
  id: string;
  planSlug: string;
  planVersion: number;
  status: RunStatus;
  trigger: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  counts: Partial<Record<TaskRunStatus, number>>;
}

export interface AttemptDetail {
  attempt: number;
  status: string;
  startedAt: number;
  finishedAt: number | null;
  exitCode: number | null;
  error: string | null;
  reason: string | null;
}

export interface TaskRunDetail {
  id: number;
  key: string;
  kind: string;
  status: TaskRunStatus;
  attempts: number;
  startedAt: number | null;
  finishedAt: number | null;
  exitCode: number | null;
  outputText: string | null;
  outputJson: unknown;
  error: string | null;
  reason: string | null;
  attemptHistory: AttemptDetail[];
}

export interface RunDetail extends RunSummary {
  /** The newest event id when this was read: subscribe after it to miss nothing. */
  lastEventId: number;
  params: Record<string, unknown>;
  /** The plan as it was frozen when the run started. */
  graph: { tasks: TaskDefinition[]; links: { from: string; to: string; kind: "requires" | "refers" }[] };
  tasks: TaskRunDetail[];
}

export interface WorkerView {
  id: string;
  host: string;
  pid: number;
  concurrency: number;
  queues: string[];
  startedAt: number;
  heartbeatAt: number;
  /** Tasks it holds right now. */
  running: number;
}

export interface LogChunkView {
  seq: number;
  attempt: number;
  stream: string;
  text: string;
  createdAt: number;
}

const ms = (date: Date | null): number | null => (date === null ? null : date.getTime());

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

function frozenGraph(plan: PlanDefinition): RunDetail["graph"] {
  return {
    tasks: plan.tasks,
    links: plan.tasks.flatMap((task) => [
      ...task.requires.map((from) => ({ from, to: task.key, kind: "requires" as const })),
      ...task.refers.map((from) => ({ from, to: task.key, kind: "refers" as const })),
    ]),
  };
}

/** Queries through Prisma's query API: not on the hot path, so readability wins over raw speed here. */
export class RunQueries {
  readonly #connect: () => TaskloomPrisma;

  /** `connect` is called on first use: a worker that never lists anything never opens this connection. */
  constructor(connect: () => TaskloomPrisma) {
    this.#connect = connect;
  }

  get #prisma(): TaskloomPrisma {
    return this.#connect();
  }

  async listPlans(): Promise<PlanSummary[]> {
    const plans = await this.#prisma.plan.findMany({
      orderBy: { slug: "asc" },
      include: {
        _count: { select: { tasks: true } },
        runs: {
          orderBy: { createdAt: "desc" },
          take: 1,
          select: { id: true, status: true, createdAt: true },
        },
      },
    });
    return plans.map((plan) => {
      const last = plan.runs[0];
      return {
        slug: plan.slug,
        name: plan.name,
        version: plan.version,
        taskCount: plan._count.tasks,
        updatedAt: plan.updatedAt.getTime(),
        lastRun: last
          ? { id: last.id, status: last.status as RunStatus, createdAt: last.createdAt.getTime() }
          : null,
      };
    });
  }

  async listTasks(planSlug?: string): Promise<TaskSummary[]> {
    const plans = await this.#prisma.plan.findMany({
      where: planSlug ? { slug: planSlug } : {},
      orderBy: { slug: "asc" },
      include: { tasks: { orderBy: { position: "asc" } }, links: true },
    });
    if (planSlug && plans.length === 0) throw new NotFoundError("plan", planSlug);
    return plans.flatMap((plan) =>
      plan.tasks.map((task) => ({
        planSlug: plan.slug,
        key: task.key,
        name: task.name,
        kind: task.kind,
        priority: task.priority,
        queue: task.queue,
        requires: plan.links
          .filter((l) => l.toKey === task.key && l.kind === "requires")
          .map((l) => l.fromKey),
        refers: plan.links.filter((l) => l.toKey === task.key && l.kind === "refers").map((l) => l.fromKey),
      })),
    );
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
    if (filter.from !== undefined) createdAt.gte = new Date(filter.from);
    if (filter.to !== undefined) createdAt.lte = new Date(filter.to);
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
                  OR: [{ taskKey: { contains: filter.search } }, { outputText: { contains: filter.search } }],
                },
              },
            }
          : {}),
        ...(after
          ? {
              OR: [
                { createdAt: { lt: new Date(after.createdAt) } },
                { createdAt: new Date(after.createdAt), id: { lt: after.id } },
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

  /** Workers that have not stopped, with how many tasks each holds. */
  async listWorkers(): Promise<WorkerView[]> {
    const workers = await this.#prisma.worker.findMany({
      where: { stoppedAt: null },
      orderBy: { startedAt: "asc" },
    });
    const held = await this.#prisma.taskRun.groupBy({
      by: ["leaseOwner"],
      where: { status: "running", leaseOwner: { in: workers.map((w) => w.id) } },
      _count: { _all: true },
    });
    return workers.map((w) => ({
      id: w.id,
      host: w.host,
      pid: w.pid,
      concurrency: w.concurrency,
      queues: JSON.parse(w.queuesJson) as string[],
      startedAt: w.startedAt.getTime(),
      heartbeatAt: w.heartbeatAt.getTime(),
      running: held.find((h) => h.leaseOwner === w.id)?._count._all ?? 0,
    }));
  }

  /** A run by id, or by a unique prefix of its id (what people type). */
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

  async getRun(runId: string): Promise<RunDetail> {
    const id = await this.resolveRunId(runId);
    // Read first: a client that subscribes after this id and re-applies what follows misses nothing.
    const lastEventId = (await this.#prisma.event.aggregate({ _max: { id: true } }))._max.id ?? 0;
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
    return {
      ...toRunSummary(run, counts),
      lastEventId,
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
        attemptHistory: (attemptsByTaskRun.get(task.id) ?? []).map((a) => ({
          attempt: a.attempt,
          status: a.status,
          startedAt: a.startedAt.getTime(),
          finishedAt: ms(a.finishedAt),
          exitCode: a.exitCode,
          error: a.error,
          reason: a.reason,
        })),
      })),
    };
  }

  /**
   * One page of a task run's log, in order: after `afterSeq` (following a live tail), before `beforeSeq`
   * (scrolling back), or — with neither — the last `limit` chunks. `firstSeq`/`lastSeq` bound the whole log.
   */
  async readLogs(input: {
    runId: string;
    taskKey: string;
    afterSeq?: number;
    beforeSeq?: number;
    limit?: number;
  }): Promise<{
    taskRunId: number;
    status: TaskRunStatus;
    chunks: LogChunkView[];
    firstSeq: number | null;
    lastSeq: number | null;
  }> {
    const taskRun = await this.#prisma.taskRun.findUnique({
      where: { runId_taskKey: { runId: input.runId, taskKey: input.taskKey } },
      select: { id: true, status: true },
    });
    if (!taskRun) throw new NotFoundError("task run", `${input.runId}/${input.taskKey}`);
    const take = Math.min(Math.max(input.limit ?? 500, 1), 5000);
    const forward = input.afterSeq !== undefined;
    const rows = await this.#prisma.logChunk.findMany({
      where: {
        taskRunId: taskRun.id,
        ...(forward ? { seq: { gt: input.afterSeq } } : {}),
        ...(input.beforeSeq !== undefined ? { seq: { lt: input.beforeSeq } } : {}),
      },
      orderBy: { seq: forward ? "asc" : "desc" },
      take,
    });
    if (!forward) rows.reverse();
    const bounds = await this.#prisma.logChunk.aggregate({
      where: { taskRunId: taskRun.id },
      _min: { seq: true },
      _max: { seq: true },
    });
    return {
      taskRunId: taskRun.id,
      status: taskRun.status as TaskRunStatus,
      chunks: rows.map((c) => ({
        seq: c.seq,
        attempt: c.attempt,
        stream: c.stream,
        text: c.text,
        createdAt: c.createdAt.getTime(),
      })),
      firstSeq: bounds._min.seq,
      lastSeq: bounds._max.seq,
    };
  }
}
