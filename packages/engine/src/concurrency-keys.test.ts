import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Worker } from "@taskloom/scheduler";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Taskloom } from "./taskloom.ts";

/**
 * Two engines, each with its own connection and its own worker, on one SQLite file: the concurrency key is
 * enforced in the claim, across workers, and the attempts' recorded start and end times prove it.
 */

let dir: string;
let engines: Taskloom[] = [];
let workers: Worker[] = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-concurrency-keys-"));
  const url = `file:${path.join(dir, "t.db")}`;
  engines = [
    await Taskloom.open({ databaseUrl: url, cwd: dir }),
    await Taskloom.open({ databaseUrl: url, cwd: dir }),
  ];
});
afterEach(async () => {
  for (const worker of workers) await worker.stop();
  workers = [];
  for (const engine of engines) await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The most intervals open at once (half-open: one that ends when another starts does not overlap it). */
function mostAtOnce(intervals: [number, number][]): number {
  const edges = intervals.flatMap(([start, end]): [number, number][] => [
    [start, 1],
    [end, -1],
  ]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, delta] of edges) {
    open += delta;
    most = Math.max(most, open);
  }
  return most;
}

describe("concurrency keys across two workers on one SQLite file", () => {
  it("runs at most the limit of attempts per rendered key at once, and every run finishes", async () => {
    const [first, second] = engines;
    if (!first || !second) throw new Error("two engines expected");
    await first.importPlanSource(`plan: deploys
params: { env: prod }
tasks:
  deploy:
    run: "sleep 0.3"
    concurrencyKey: "deploy:{{params.env}}"
    concurrencyLimit: 2
`);
    const runIds: string[] = [];
    for (let i = 0; i < 6; i++) runIds.push((await first.startRun("deploys")).runId);
    for (let i = 0; i < 2; i++)
      runIds.push((await first.startRun("deploys", { params: { env: "stage" } })).runId);
    workers = [
      first.createWorker({ concurrency: 4, pollMs: 20 }),
      second.createWorker({ concurrency: 4, pollMs: 20 }),
    ];
    for (const worker of workers) await worker.start();
    const statuses = await Promise.all(runIds.map((runId) => first.waitForRun(runId)));
    expect(statuses).toEqual(runIds.map(() => "succeeded"));

    const attemptsByEnv: Record<string, [number, number][]> = { prod: [], stage: [] };
    for (const runId of runIds) {
      const run = await first.queries.getRun(runId);
      for (const task of run.tasks) {
        for (const attempt of task.attemptHistory) {
          attemptsByEnv[String(run.params.env ?? "prod")]?.push([
            attempt.startedAt,
            attempt.finishedAt ?? Infinity,
          ]);
        }
      }
    }
    expect(attemptsByEnv.prod).toHaveLength(6);
    expect(attemptsByEnv.stage).toHaveLength(2);
    // Eight slots were free, so only the key held the prod deploys back: two at once, never three.
    expect(mostAtOnce(attemptsByEnv.prod ?? [])).toBe(2);
    expect(mostAtOnce([...(attemptsByEnv.prod ?? []), ...(attemptsByEnv.stage ?? [])])).toBeGreaterThan(2);
  }, 120_000);
});
