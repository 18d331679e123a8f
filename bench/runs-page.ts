import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parsePlanObject } from "@taskloom/core";
import { openSqliteTaskloomDatabase } from "@taskloom/db";

export interface RunsPageResult {
  taskRuns: number;
  runs: number;
  /** Median ms of each query the Runs page makes, by label. */
  queries: { label: string; medianMs: number }[];
  /** Median ms of a raw indexed `ORDER BY created_at DESC LIMIT 50` on the same file: the reference. */
  referenceMs: number;
}

const RUNS = 1_000;
const TASKS_PER_RUN = 100;
const SAMPLES = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/**
 * The Runs page with 100,000 task runs in the database (1,000 runs of a 100-task plan, all finished, each
 * task with an output): the queries it makes — first page, a deep page by cursor, a status filter, a search by
 * task key and one by output text — through the same `RunQueries` the API uses.
 */
export async function measureRunsPage(): Promise<RunsPageResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-bench-runs-"));
  const database = openSqliteTaskloomDatabase({ url: `file:${path.join(dir, "bench.db")}`, cwd: dir });
  try {
    const tasks = Object.fromEntries(
      Array.from({ length: TASKS_PER_RUN }, (_, i) => [`t${i}`, { kind: "noop" }]),
    );
    await database.store.importPlan(parsePlanObject({ plan: "wide", tasks }), { baseDir: null, now: 0 });
    for (let i = 0; i < RUNS; i++) {
      await database.store.createRun({
        planSlug: "wide",
        trigger: i % 3 === 0 ? "cli" : "manual",
        params: {},
        now: i * 1000,
      });
    }
    // Finish them the cheap way: this measures reading, not executing.
    database.store.db.exec(`
      UPDATE task_runs SET status = CASE WHEN id % 997 = 0 THEN 'failed' ELSE 'succeeded' END,
                           output_text = 'row ' || id || ' processed';
      UPDATE runs SET status = CASE WHEN rowid % 10 = 0 THEN 'failed' ELSE 'succeeded' END;`);
    const { queries } = database;
    let cursor: string | null = null;
    const deepPage = async () => {
      cursor = null;
      for (let page = 0; page < 10; page++)
        cursor = (await queries.searchRuns({ limit: 50, ...(cursor ? { cursor } : {}) })).nextCursor;
    };
    const reference = database.store.db.prepare(
      "SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT 50",
    );
    const result: RunsPageResult = {
      taskRuns: RUNS * TASKS_PER_RUN,
      runs: RUNS,
      referenceMs: await time(() => reference.all()),
      queries: [
        {
          label: "first page (50 runs with task counts)",
          medianMs: await time(() => queries.searchRuns({ limit: 50 })),
        },
        { label: "10 pages by cursor (per page)", medianMs: (await time(deepPage)) / 10 },
        {
          label: "status = failed",
          medianMs: await time(() => queries.searchRuns({ status: "failed", limit: 50 })),
        },
        {
          label: "search task key `t42`",
          medianMs: await time(() => queries.searchRuns({ search: "t42", limit: 50 })),
        },
        {
          label: "search output text (1 match)",
          medianMs: await time(() => queries.searchRuns({ search: "row 99001 processed", limit: 50 })),
        },
      ],
    };
    return result;
  } finally {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
