import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parsePlanObject } from "@taskloom/core";
import { openSqliteTaskloomDatabase, type SqliteTaskloomDatabase } from "@taskloom/db";
import { Taskloom } from "@taskloom/engine";
import { bigPlan, median, percentile } from "./bundle-bench.ts";

/**
 * Bundle assembly the way the engine does it (`ContextService.preview`, what `taskloom context` and the
 * Context tab call, and what an attempt's `prepare` does): a 10,000-task plan stored in SQLite, every task
 * with a long succeeded output, read through the store, gathered, retrieved, allocated and hashed. The
 * first preview pays for reading every output and building the plan's retrieval index; the later ones,
 * of other tasks, reuse what the engine keeps per plan state.
 */

export interface EngineBundleResult {
  tasks: number;
  samples: number;
  /** The first preview in the process (reads every output, builds the index). */
  coldMs: number;
  p50Ms: number;
  p95Ms: number;
  /** Process CPU time (user + system) per preview, median. */
  cpuP50Ms: number;
  /** After one output changed: the index takes the change instead of being rebuilt. */
  afterChangeMs: number;
}

export async function measureEngineBundle(
  options: {
    tasks?: number;
    samples?: number;
    /** Called after the first preview and after the last one (to profile only the warm ones). */
    onWarm?: () => Promise<void>;
    onDone?: () => Promise<void>;
  } = {},
): Promise<EngineBundleResult> {
  const taskCount = options.tasks ?? 10_000;
  const samples = options.samples ?? 21;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-bench-context-"));
  const url = `file:${path.join(dir, "bench.db")}`;
  const plan = bigPlan(taskCount);
  const sampleKeys = Array.from({ length: samples }, (_, i) => `t${taskCount - 1 - i * 37}`);
  const llmKeys = new Set(sampleKeys);
  const tasks = Object.fromEntries(
    plan.tasks.map((task) => [
      task.key,
      {
        ...(llmKeys.has(task.key)
          ? {
              kind: "llm",
              prompt: `Write the status report for ${task.key}: the latency budget, the rollout region and the owner of the migration.`,
              context: { budget: 6000 },
            }
          : { kind: "noop" }),
        name: task.name,
        requires: task.requires,
        refers: task.refers,
      },
    ]),
  );
  const seed = openSqliteTaskloomDatabase({ url, cwd: dir });
  try {
    await seed.store.importPlan(parsePlanObject({ plan: "big", tasks }), { baseDir: null, now: 0 });
    const documents = (plan.documents ?? []).map((doc) => ({
      key: doc.key,
      title: doc.title ?? doc.key,
      text: doc.text,
    }));
    await seed.context.syncPlanContext("big", { documents, notes: {} }, 0);
    const run = await seed.store.createRun({ planSlug: "big", trigger: "cli", params: {}, now: 0 });
    // Finish every task the cheap way: this measures reading and assembling, not executing.
    const update = seed.store.db.prepare(
      "UPDATE task_runs SET status = 'succeeded', output_text = ?, finished_at = ? WHERE run_id = ? AND task_key = ?",
    );
    seed.store.db.transaction(() => {
      for (const [i, task] of plan.tasks.entries()) update.run(task.output, i, run.runId, task.key);
    })();
  } finally {
    await seed.close();
  }

  const taskloom = await Taskloom.open({ databaseUrl: url, cwd: dir });
  try {
    let started = performance.now();
    await taskloom.context.preview("big", sampleKeys[0] ?? "t0");
    const coldMs = performance.now() - started;
    await options.onWarm?.();
    const timings: number[] = [];
    const cpu: number[] = [];
    for (const key of sampleKeys) {
      const cpuBefore = process.cpuUsage();
      started = performance.now();
      await taskloom.context.preview("big", key);
      timings.push(performance.now() - started);
      const used = process.cpuUsage(cpuBefore);
      cpu.push((used.user + used.system) / 1000);
    }
    const { db } = taskloom.database.store as SqliteTaskloomDatabase["store"];
    // t5 ran again with a longer output; like every change of a task run, that writes an event.
    db.prepare(
      "UPDATE task_runs SET output_text = output_text || ' Latency budget revised.', attempt = attempt + 1 WHERE task_key = 't5'",
    ).run();
    db.prepare(
      "INSERT INTO events (type, run_id, task_key, from_status, to_status, created_at) SELECT 'task_run.status', run_id, task_key, 'running', 'succeeded', 0 FROM task_runs WHERE task_key = 't5'",
    ).run();
    started = performance.now();
    await taskloom.context.preview("big", sampleKeys[1] ?? sampleKeys[0] ?? "t0");
    const afterChangeMs = performance.now() - started;
    await options.onDone?.();
    return {
      tasks: taskCount,
      samples,
      coldMs,
      p50Ms: median(timings),
      p95Ms: percentile(timings, 95),
      cpuP50Ms: median(cpu),
      afterChangeMs,
    };
  } finally {
    await taskloom.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
