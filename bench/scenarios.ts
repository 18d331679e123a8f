import { type EngineOptions, type RunOutcome, withEngine } from "./bench-engine.ts";
import type { OpStats } from "./timed-store.ts";

type NoopTask = { kind: "noop"; requires?: string[] };

export interface SetupTimes {
  importMs: number;
  createRunMs: number;
  /** The raw outcome, for the profile script. */
  outcome: RunOutcome;
}

/** Hooks for the profile script; the bench itself passes none. */
export interface ScenarioOptions extends EngineOptions {
  trace?: boolean;
  /** Called between createRun and the first claim, so setup work can be told apart from execution. */
  beforeExecute?: () => void;
}

export interface FlatResult extends SetupTimes {
  concurrency: number;
  tasks: number;
  seconds: number;
  tasksPerSecond: number;
  ops: Map<string, OpStats>;
}

export interface ChainResult extends SetupTimes {
  concurrency: number;
  /** start(t_{i+1}) − end(t_i), ms, in chain order. */
  hopsMs: number[];
  ops: Map<string, OpStats>;
}

export interface FanOutResult extends SetupTimes {
  concurrency: number;
  width: number;
  makespanMs: number;
  /** Root's end → first middle start: the cost of releasing the whole fan in one completion. */
  releaseMs: number;
  /** Last middle end → sink start. */
  joinMs: number;
  ops: Map<string, OpStats>;
}

function checkAllRan(outcome: RunOutcome, keys: string[]): void {
  const missing = keys.filter((key) => !outcome.timings.has(key));
  if (missing.length > 0) throw new Error(`${missing.length} tasks never ran (first: ${missing[0]})`);
  if (outcome.problems.length > 0)
    throw new Error(`worker reported problems: ${outcome.problems.join("; ")}`);
}

function timingOf(outcome: RunOutcome, key: string) {
  const timing = outcome.timings.get(key);
  if (!timing) throw new Error(`task ${key} has no timing`);
  return timing;
}

/** N independent noop tasks: raw claim/complete throughput. */
export async function runFlat(
  tasks: number,
  concurrency: number,
  options: ScenarioOptions = {},
): Promise<FlatResult> {
  const keys = Array.from({ length: tasks }, (_, i) => `t${i + 1}`);
  const plan = {
    plan: "bench-flat",
    tasks: Object.fromEntries(keys.map((key): [string, NoopTask] => [key, { kind: "noop" }])),
  };
  return withEngine(
    "flat",
    async (engine) => {
      const prepared = await engine.prepare(plan);
      options.beforeExecute?.();
      const outcome = await engine.execute(prepared.runId, concurrency, { trace: options.trace ?? false });
      checkAllRan(outcome, keys);
      const seconds = (outcome.endedAt - outcome.firstClaimAt) / 1000;
      return {
        concurrency,
        tasks,
        seconds,
        tasksPerSecond: tasks / seconds,
        importMs: prepared.importMs,
        createRunMs: prepared.createRunMs,
        ops: outcome.store.stats,
        outcome,
      };
    },
    options,
  );
}

/** t1 → t2 → … → tN: the latency from one task's end to its dependent's start. */
export async function runChain(
  length: number,
  concurrency: number,
  options: ScenarioOptions = {},
): Promise<ChainResult> {
  const keys = Array.from({ length }, (_, i) => `t${i + 1}`);
  const tasks: Record<string, NoopTask> = {};
  keys.forEach((key, i) => {
    tasks[key] = i === 0 ? { kind: "noop" } : { kind: "noop", requires: [`t${i}`] };
  });
  return withEngine(
    "chain",
    async (engine) => {
      const prepared = await engine.prepare({ plan: "bench-chain", tasks });
      options.beforeExecute?.();
      const outcome = await engine.execute(prepared.runId, concurrency, { trace: options.trace ?? false });
      checkAllRan(outcome, keys);
      const hopsMs: number[] = [];
      for (let i = 1; i < keys.length; i++) {
        hopsMs.push(timingOf(outcome, `t${i + 1}`).start - timingOf(outcome, `t${i}`).end);
      }
      return {
        concurrency,
        hopsMs,
        importMs: prepared.importMs,
        createRunMs: prepared.createRunMs,
        ops: outcome.store.stats,
        outcome,
      };
    },
    options,
  );
}

/** root → width middles → sink: releasing a wide level at once, then joining it. */
export async function runFanOut(
  width: number,
  concurrency: number,
  options: ScenarioOptions = {},
): Promise<FanOutResult> {
  const middles = Array.from({ length: width }, (_, i) => `m${i + 1}`);
  const tasks: Record<string, NoopTask> = { root: { kind: "noop" } };
  for (const key of middles) tasks[key] = { kind: "noop", requires: ["root"] };
  tasks.sink = { kind: "noop", requires: middles };
  return withEngine(
    "fanout",
    async (engine) => {
      const prepared = await engine.prepare({ plan: "bench-fanout", tasks });
      options.beforeExecute?.();
      const outcome = await engine.execute(prepared.runId, concurrency, { trace: options.trace ?? false });
      checkAllRan(outcome, ["root", ...middles, "sink"]);
      const root = timingOf(outcome, "root");
      const sink = timingOf(outcome, "sink");
      const middleTimings = middles.map((key) => timingOf(outcome, key));
      const firstMiddleStart = Math.min(...middleTimings.map((t) => t.start));
      const lastMiddleEnd = Math.max(...middleTimings.map((t) => t.end));
      return {
        concurrency,
        width,
        makespanMs: sink.end - root.start,
        releaseMs: firstMiddleStart - root.end,
        joinMs: sink.start - lastMiddleEnd,
        importMs: prepared.importMs,
        createRunMs: prepared.createRunMs,
        ops: outcome.store.stats,
        outcome,
      };
    },
    options,
  );
}
