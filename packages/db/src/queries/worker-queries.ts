import type { WorkerReads, WorkerView } from "@taskloom/core";
import type { TaskloomPrisma } from "./prisma-sqlite.ts";
import type { ReadConnection } from "./read-connection.ts";

/** Registered workers. */
export class WorkerQueries implements WorkerReads {
  readonly #connection: ReadConnection;

  constructor(connection: ReadConnection) {
    this.#connection = connection;
  }

  get #prisma(): TaskloomPrisma {
    return this.#connection.prisma();
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
      handlers: JSON.parse(w.handlersJson) as string[],
      startedAt: w.startedAt.getTime(),
      heartbeatAt: w.heartbeatAt.getTime(),
      running: held.find((h) => h.leaseOwner === w.id)?._count._all ?? 0,
    }));
  }
}
