import {
  NotFoundError,
  type ParamValue,
  type PlanReads,
  type PlanSummary,
  type RunStatus,
  type TaskSummary,
} from "@taskloom/core";
import type { TaskloomPrisma } from "./prisma-sqlite.ts";
import type { ReadConnection } from "./read-connection.ts";

/** Plans and their tasks, through Prisma's query API (off the hot path: readability wins here). */
export class PlanQueries implements PlanReads {
  readonly #connection: ReadConnection;

  constructor(connection: ReadConnection) {
    this.#connection = connection;
  }

  get #prisma(): TaskloomPrisma {
    return this.#connection.prisma();
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
        params: JSON.parse(plan.paramsJson) as Record<string, ParamValue>,
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
}
