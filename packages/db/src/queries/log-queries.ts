import {
  type LogChunkView,
  type LogMatches,
  type LogPage,
  type LogRange,
  type LogReads,
  type LogSearch,
  NotFoundError,
  type TaskRunStatus,
} from "@taskloom/core";
import type { TaskloomPrisma } from "./prisma-sqlite.ts";
import { containsIgnoringCase, type ReadConnection } from "./read-connection.ts";

const chunkView = (c: {
  seq: number;
  attempt: number;
  stream: string;
  text: string;
  createdAt: Date;
}): LogChunkView => ({
  seq: c.seq,
  attempt: c.attempt,
  stream: c.stream,
  text: c.text,
  createdAt: c.createdAt.getTime(),
});

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
  async #taskRun(runId: string, taskKey: string): Promise<{ id: number; status: string }> {
    const taskRun = await this.#prisma.taskRun.findUnique({
      where: { runId_taskKey: { runId, taskKey } },
      select: { id: true, status: true },
    });
    if (!taskRun) throw new NotFoundError("task run", `${runId}/${taskKey}`);
    return taskRun;
  }

  /**
   * The chunks that contain the query, a page at a time. A match split across two chunks is not found: chunks
   * are what the process wrote in one go, usually whole lines.
   */
  async searchLog(input: LogSearch): Promise<LogMatches> {
    const taskRun = await this.#taskRun(input.runId, input.taskKey);
    const take = Math.min(Math.max(input.limit ?? 200, 1), 1000);
    const rows = await this.#prisma.logChunk.findMany({
      where: {
        taskRunId: taskRun.id,
        text: containsIgnoringCase(this.#connection, input.query),
        ...(input.afterSeq !== undefined ? { seq: { gt: input.afterSeq } } : {}),
      },
      orderBy: { seq: "asc" },
      take: take + 1,
    });
    const page = rows.slice(0, take);
    return { chunks: page.map(chunkView), nextSeq: rows.length > take ? (page.at(-1)?.seq ?? null) : null };
  }

  async readLogs(input: LogRange): Promise<LogPage> {
    const taskRun = await this.#taskRun(input.runId, input.taskKey);
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
      chunks: rows.map(chunkView),
      firstSeq: bounds._min.seq,
      lastSeq: bounds._max.seq,
    };
  }
}
