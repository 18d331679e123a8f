import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  type Logger,
  parsePlanObject,
  type RunStore,
  type SchedulerStore,
  systemClock,
} from "@taskloom/core";
import { openSqliteDatabase, openSqliteTaskloomDatabase, type SqliteDatabase } from "@taskloom/db";
import { executeTask } from "@taskloom/executor";
import { type ExecuteAttempt, Worker } from "@taskloom/scheduler";
import { TimedStore } from "./timed-store.ts";

/** performance.now() when an attempt was handed to the executor and when its promise resolved. */
export interface AttemptTiming {
  start: number;
  end: number;
}

export interface PreparedRun {
  runId: string;
  /** parsePlanObject + importPlan, ms. */
  importMs: number;
  /** createRun, ms. */
  createRunMs: number;
}

export interface RunOutcome {
  /** performance.now() of the first claim and of the commit that ended the run. */
  firstClaimAt: number;
  endedAt: number;
  timings: Map<string, AttemptTiming>;
  store: TimedStore;
  /** Warnings and errors the worker logged; a clean run has none. */
  problems: string[];
  /**
   * Process CPU time over wall time while the run executed. Well under 100% means the process was waiting:
   * on fsync (WAL checkpoints) or for a CPU other processes held, i.e. the figures are noisy.
   */
  cpuShare: number;
}

/**
 * One scenario's engine: a fresh SQLite file in a temp directory (opened exactly as the CLI opens it, so WAL
 * and synchronous=NORMAL), the real store and executor, and one Worker restricted to the run.
 */
/** What a scenario needs from a store: SqliteStore, or an instrumented/patched one from the profile script. */
export type BenchStore = SchedulerStore & RunStore & { close(): void };

export interface EngineOptions {
  /**
   * Builds the store on a raw connection, so the profile script can time statements or try a changed store.
   * The file is migrated by a first open and reopened with the same settings (openSqliteDatabase), because
   * openSqliteTaskloomDatabase prepares every statement of its own store before it returns.
   */
  openStore?: (db: SqliteDatabase) => BenchStore;
}

export class BenchEngine {
  readonly dir: string;
  readonly store: BenchStore;
  readonly #close: () => Promise<void>;

  constructor(label: string, options: EngineOptions = {}) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `taskloom-bench-${label}-`));
    const file = path.join(this.dir, "taskloom.db");
    const database = openSqliteTaskloomDatabase({ url: `file:${file}`, cwd: this.dir });
    if (options.openStore) {
      database.store.close();
      const store = options.openStore(openSqliteDatabase(file));
      this.store = store;
      this.#close = async () => store.close();
    } else {
      this.store = database.store;
      this.#close = () => database.close();
    }
  }

  async prepare(plan: unknown): Promise<PreparedRun> {
    const { store } = this;
    const importStart = performance.now();
    const definition = parsePlanObject(plan);
    await store.importPlan(definition, { baseDir: this.dir, now: Date.now() });
    const createStart = performance.now();
    const { runId } = await store.createRun({
      planSlug: definition.slug,
      trigger: "api",
      params: {},
      now: Date.now(),
    });
    const createEnd = performance.now();
    return { runId, importMs: createStart - importStart, createRunMs: createEnd - createStart };
  }

  /** Executes the run to its end with one worker of the given concurrency. */
  async execute(runId: string, concurrency: number, options: { trace?: boolean } = {}): Promise<RunOutcome> {
    const timeoutMs = 60_000;
    const store = new TimedStore(this.store, options);
    const timings = new Map<string, AttemptTiming>();
    const problems: string[] = [];
    const worker = new Worker(
      {
        store,
        execute: timedExecute(timings),
        clock: systemClock,
        random: Math.random,
        logger: collectingLogger(problems),
        workerId: `bench-worker-${process.pid}`,
        host: os.hostname(),
        pid: process.pid,
        isPidAlive: () => true,
      },
      { runId, concurrency },
    );
    // Subscribed before start so a run that ends inside start() is not missed.
    const ended = store.whenRunEnds(runId);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`run ${runId} did not end within ${timeoutMs}ms`)),
        timeoutMs,
      );
    });
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    try {
      await worker.start();
      const endedAt = await Promise.race([ended, timeout]);
      const cpu = process.cpuUsage(cpuBefore);
      const cpuShare = (cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore);
      const status = await this.store.getRunStatus(runId);
      if (status !== "succeeded") throw new Error(`run ${runId} ended ${status}: ${problems.join("; ")}`);
      if (store.firstClaimAt === null) throw new Error("the worker never claimed");
      return { firstClaimAt: store.firstClaimAt, endedAt, timings, store, problems, cpuShare };
    } finally {
      clearTimeout(timer);
      await worker.stop({ graceMs: 0 });
    }
  }

  async close(): Promise<void> {
    await this.#close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The real executor, with the attempt's start and end recorded on the monotonic sub-ms clock. */
function timedExecute(timings: Map<string, AttemptTiming>): ExecuteAttempt {
  return (request) => {
    const start = performance.now();
    return executeTask(request).then((report) => {
      timings.set(request.taskKey, { start, end: performance.now() });
      return report;
    });
  };
}

function collectingLogger(problems: string[]): Logger {
  const keep = (level: string) => (obj: object, msg?: string) => {
    problems.push(`${level}: ${msg ?? ""} ${JSON.stringify(obj, errorsAsMessages)}`);
  };
  return { debug() {}, info() {}, warn: keep("warn"), error: keep("error") };
}

// Errors stringify to {} by default, which would hide why a scenario failed.
function errorsAsMessages(_key: string, value: unknown): unknown {
  return value instanceof Error ? value.message : value;
}

/** Runs `body` against a fresh engine and always removes its temp directory. */
export async function withEngine<T>(
  label: string,
  body: (engine: BenchEngine) => Promise<T>,
  options: EngineOptions = {},
): Promise<T> {
  const engine = new BenchEngine(label, options);
  try {
    return await body(engine);
  } finally {
    await engine.close();
  }
}
