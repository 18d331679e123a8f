import {
  type LogPage,
  type LogRange,
  type LogReads,
  NotFoundError,
  type TaskRunStatus,
} from "@taskloom/core";
import type { TaskloomPrisma } from "./prisma-sqlite.ts";
import type { ReadConnection } from "./read-connection.ts";

/** Captured output of task runs. */
export class LogQueries implements LogReads {
  readonly #connection: ReadConnection;

  constructor(connection: ReadConnection) {
    this.#connection = connection;
  }

  get #prisma(): TaskloomPrisma {
    return this.#connection.prisma();
  }

  /**
   * One page of a task run's log, in order: after `afterSeq` (following a live tail), before `beforeSeq`
   * (scrolling back), or — with neither — the last `limit` chunks. `firstSeq`/`lastSeq` bound the whole log.
   */
  async readLogs(input: LogRange): Promise<LogPage> {
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
