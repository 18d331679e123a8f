import { NotFoundError, type RunStatus, type TaskRunStatus } from "@taskloom/core";
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
  params: Record<string, unknown>;
  tasks: TaskRunDetail[];
}

export interface LogChunkView {
  seq: number;
  attempt: number;
  stream: string;
  text: string;
  createdAt: number;
}

const ms = (date: Date | null): number | null => (date === null ? null : date.getTime());

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
    const runs = await this.#prisma.run.findMany({
      where: input.planSlug ? { plan: { slug: input.planSlug } } : {},
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: input.limit ?? 50,
      include: { plan: { select: { slug: true } } },
    });
    const counts = await this.#prisma.taskRun.groupBy({
      by: ["runId", "status"],
      where: { runId: { in: runs.map((run) => run.id) } },
      _count: { _all: true },
    });
    return runs.map((run) => ({
      id: run.id,
      planSlug: run.plan.slug,
      planVersion: run.planVersion,
      status: run.status as RunStatus,
      trigger: run.trigger,
      createdAt: run.createdAt.getTime(),
      startedAt: ms(run.startedAt),
      finishedAt: ms(run.finishedAt),
      counts: Object.fromEntries(
        counts.filter((c) => c.runId === run.id).map((c) => [c.status, c._count._all]),
      ) as Partial<Record<TaskRunStatus, number>>,
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
    const run = await this.#prisma.run.findUnique({
      where: { id },
      include: {
        plan: { select: { slug: true } },
        taskRuns: { orderBy: { id: "asc" }, include: { attempts: { orderBy: { attempt: "asc" } } } },
      },
    });
    if (!run) throw new NotFoundError("run", runId);
    const counts: Partial<Record<TaskRunStatus, number>> = {};
    for (const task of run.taskRuns) {
      const status = task.status as TaskRunStatus;
      counts[status] = (counts[status] ?? 0) + 1;
    }
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
      params: JSON.parse(run.paramsJson) as Record<string, unknown>,
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
        attemptHistory: task.attempts.map((a) => ({
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

  /** Log chunks of one task run after `afterSeq`, in order. */
  async readLogs(input: { runId: string; taskKey: string; afterSeq?: number; limit?: number }): Promise<{
    taskRunId: number;
    status: TaskRunStatus;
    chunks: LogChunkView[];
  }> {
    const taskRun = await this.#prisma.taskRun.findUnique({
      where: { runId_taskKey: { runId: input.runId, taskKey: input.taskKey } },
      select: { id: true, status: true },
    });
    if (!taskRun) throw new NotFoundError("task run", `${input.runId}/${input.taskKey}`);
    const chunks = await this.#prisma.logChunk.findMany({
      where: { taskRunId: taskRun.id, seq: { gt: input.afterSeq ?? 0 } },
      orderBy: { seq: "asc" },
      take: input.limit ?? 1000,
    });
    return {
      taskRunId: taskRun.id,
      status: taskRun.status as TaskRunStatus,
      chunks: chunks.map((c) => ({
        seq: c.seq,
        attempt: c.attempt,
        stream: c.stream,
        text: c.text,
        createdAt: c.createdAt.getTime(),
      })),
    };
  }
}
