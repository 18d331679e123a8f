import os from "node:os";
import {
  type BigImportResult,
  measureBigImport,
  measureRawInsert,
  type RawInsertResult,
} from "./big-import.ts";
import { browserGraphRows, measureBrowserGraph } from "./browser-graph.ts";
import { buildCli, type CliEndToEnd, cliMemoryRows, measureCliEndToEnd } from "./cli-end-to-end.ts";
import { contextBenchRows } from "./context-quality/index.ts";
import { measureEventLatency } from "./event-latency.ts";
import { measurePostgresPeers } from "./postgres-peers.ts";
import { measureReference, type ReferenceResult } from "./reference.ts";
import { formatNumber, formatOps, formatTable, percentile, type Row } from "./report.ts";
import { measureRunsPage } from "./runs-page.ts";
import { type FanOutResult, type FlatResult, runChain, runFanOut, runFlat } from "./scenarios.ts";
import { measureShellOverhead } from "./shell-overhead.ts";
import { measureSseFanout } from "./sse-fanout.ts";

/**
 * `pnpm bench`: engine throughput and latency on SQLite against the raw commit rate of the same machine.
 * Not part of `pnpm test`: the figures depend on the machine, so they are read, not asserted.
 * Each scenario is repeated and the best repetition is compared with its target: interference from other
 * processes only ever adds time, so the best run is the closest to what the engine itself costs. Every
 * repetition is printed next to it.
 */

const FLAT_TASKS = 20_000;
const FLAT_CONCURRENCIES = [64, 128, 256];
const FLAT_REPEATS = 2;
const CHAIN_LENGTH = 200;
const CHAIN_CONCURRENCY = 4;
const CHAIN_REPEATS = 3;
const FAN_WIDTH = 10_000;
const FAN_REPEATS = 2;
/** The CLI end to end runs the flat plan at this concurrency and compares with the engine's figure for it. */
const CLI_CONCURRENCY = 64;
const CLI_REPEATS = 2;
const IMPORT_SIZES = [20_000, 40_000];
const IMPORT_REPEATS = 2;
const RAW_INSERT_ROWS = 40_000;

const TARGETS = {
  flatRatio: 0.25,
  hopP50Ms: 0.5,
  hopP99Ms: 3,
  fanMakespanMs: 1000,
  eventP95Ms: 250,
  cliRatio: 1.3,
  importRowsPerSecond: 100_000,
  /** 40k-task time / 20k-task time: 2 is linear. */
  importLinearity: 2.4,
  shellRatio: 1.15,
  sseDelayMaxMs: 1000,
  sseHealthP95Ms: 100,
};

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

const pct = (x: number) => `${formatNumber(100 * x, 1)}%`;
const ms = (x: number, digits = 0) => `${formatNumber(x, digits)} ms`;
const load = () => os.loadavg()[0] ?? 0;

async function main(): Promise<void> {
  const benchStart = performance.now();
  const cpus = os.cpus();
  const loadBefore = load();
  log(`taskloom bench — node ${process.version}, ${cpus[0]?.model ?? "unknown cpu"} ×${cpus.length}`);

  log("reference (before)…");
  const refBefore = measureReference();

  const flats: FlatResult[] = [];
  for (let repeat = 1; repeat <= FLAT_REPEATS; repeat++) {
    for (const concurrency of FLAT_CONCURRENCIES) {
      log(`flat ${formatNumber(FLAT_TASKS)} × concurrency ${concurrency} (${repeat}/${FLAT_REPEATS})…`);
      flats.push(await runFlat(FLAT_TASKS, concurrency, {}));
    }
  }
  const bestFlat = (concurrency: number) =>
    flats
      .filter((f) => f.concurrency === concurrency)
      .reduce((a, b) => (b.tasksPerSecond > a.tasksPerSecond ? b : a));
  const best = flats.reduce((a, b) => (b.tasksPerSecond > a.tasksPerSecond ? b : a));

  const chains = [];
  for (let repeat = 1; repeat <= CHAIN_REPEATS; repeat++) {
    log(`chain ${CHAIN_LENGTH} (${repeat}/${CHAIN_REPEATS})…`);
    chains.push(await runChain(CHAIN_LENGTH, CHAIN_CONCURRENCY, {}));
  }
  // Pooled, so p99 rests on ~600 hops rather than on the 2nd worst of 199.
  const hops = chains.flatMap((chain) => chain.hopsMs);

  const fans: FanOutResult[] = [];
  for (let repeat = 1; repeat <= FAN_REPEATS; repeat++) {
    log(
      `fan-out 1 → ${formatNumber(FAN_WIDTH)} → 1 × concurrency ${best.concurrency} (${repeat}/${FAN_REPEATS})…`,
    );
    fans.push(await runFanOut(FAN_WIDTH, best.concurrency, {}));
  }
  const fan = fans.reduce((a, b) => (b.makespanMs < a.makespanMs ? b : a));

  log("building the CLI bundle…");
  buildCli();
  const clis: CliEndToEnd[] = [];
  for (let repeat = 1; repeat <= CLI_REPEATS; repeat++) {
    log(
      `CLI: taskloom run / worker -c ${CLI_CONCURRENCY}, flat ${formatNumber(FLAT_TASKS)} (${repeat}/${CLI_REPEATS})…`,
    );
    clis.push(await measureCliEndToEnd(FLAT_TASKS, CLI_CONCURRENCY));
  }

  const imports: BigImportResult[] = [];
  const raws: RawInsertResult[] = [];
  for (let repeat = 1; repeat <= IMPORT_REPEATS; repeat++) {
    log(
      `import + createRun of ${IMPORT_SIZES.map((n) => formatNumber(n)).join(" and ")} tasks (${repeat}/${IMPORT_REPEATS})…`,
    );
    for (const tasks of IMPORT_SIZES) imports.push(await measureBigImport(tasks));
    raws.push(measureRawInsert(RAW_INSERT_ROWS));
  }

  log("shell chain of 40 against 40 raw spawns…");
  const shell = await measureShellOverhead();

  log("100 SSE tabs on the built dashboard during a 1,000-task run…");
  const sse = await measureSseFanout();

  log("context engine: quality against the naive baseline, bundle assembly in a 10,000-task plan…");
  const context = await contextBenchRows();

  log("event stream latency across processes…");
  const events = await measureEventLatency();

  log("runs page with 100,000 task runs…");
  const runsPage = await measureRunsPage();

  log("plan editor in headless Chromium: 10-, 1,000- and 5,000-task plans…");
  const browser = await measureBrowserGraph();

  log("PostgreSQL: Taskloom beside graphile-worker, pg-boss and BullMQ…");
  const postgres = await measurePostgresPeers();

  log("reference (after)…");
  const refAfter = measureReference();
  const loadAfter = load();

  // Compared with the better of the two reference runs: noise only ever lowers the reference, so this is the
  // conservative reading (the engine's figure is a best-of too).
  const refBest = Math.max(refBefore.commitsPerSecond, refAfter.commitsPerSecond);
  const ratio = (r: FlatResult, ref: number) => r.tasksPerSecond / ref;
  const refRow = (label: string, r: ReferenceResult): Row => ({
    scenario: "reference",
    metric: `raw commits/s, INSERT+UPDATE per commit (${label})`,
    value: formatNumber(r.commitsPerSecond),
    note: `${formatNumber(r.commits)} commits in ${formatNumber(r.seconds, 2)} s`,
  });
  const p50 = percentile(hops, 50);
  const p99 = percentile(hops, 99);

  const rows: Row[] = [
    refRow("before", refBefore),
    refRow("after", refAfter),
    ...FLAT_CONCURRENCIES.map((concurrency): Row => {
      const top = bestFlat(concurrency);
      const runs = flats.filter((f) => f.concurrency === concurrency);
      return {
        scenario: "flat",
        metric: `tasks/s @ concurrency ${concurrency}${top === best ? " (best)" : ""}`,
        value: formatNumber(top.tasksPerSecond),
        target: `${pct(ratio(top, refBefore.commitsPerSecond))} / ${pct(ratio(top, refAfter.commitsPerSecond))} of ref before/after`,
        note: `${runs.map((f) => formatNumber(f.tasksPerSecond)).join(", ")}; cpu ${runs.map((f) => pct(f.outcome.cpuShare)).join(", ")}`,
      };
    }),
    {
      scenario: "flat",
      metric: `best vs best reference (${formatNumber(refBest)}/s)`,
      value: pct(ratio(best, refBest)),
      target: `≥ ${pct(TARGETS.flatRatio)}`,
      pass: ratio(best, refBest) >= TARGETS.flatRatio,
      note: `concurrency ${best.concurrency}, ${formatNumber(best.seconds, 2)} s first claim → run end`,
    },
    {
      scenario: "flat",
      metric: `import ${formatNumber(FLAT_TASKS)} tasks / createRun`,
      value: `${formatNumber(best.importMs)} / ${ms(best.createRunMs)}`,
      target: "not in tasks/s",
      note: `createRun ${flats.map((f) => formatNumber(f.createRunMs)).join(", ")} ms`,
    },
    {
      scenario: "chain",
      metric: `hop p50 (${hops.length} hops of ${chains.length} runs, concurrency ${CHAIN_CONCURRENCY})`,
      value: ms(p50, 3),
      target: `≤ ${TARGETS.hopP50Ms} ms`,
      pass: p50 <= TARGETS.hopP50Ms,
      note: `per run ${chains.map((c) => formatNumber(percentile(c.hopsMs, 50), 3)).join(", ")} ms`,
    },
    {
      scenario: "chain",
      metric: "hop p99",
      value: ms(p99, 3),
      target: `≤ ${TARGETS.hopP99Ms} ms`,
      pass: p99 <= TARGETS.hopP99Ms,
      note: `per run ${chains.map((c) => formatNumber(percentile(c.hopsMs, 99), 3)).join(", ")} ms; max ${formatNumber(Math.max(...hops), 2)} ms`,
    },
    {
      scenario: "fan-out",
      metric: `makespan 1 → ${formatNumber(FAN_WIDTH)} → 1 (concurrency ${fan.concurrency})`,
      value: ms(fan.makespanMs),
      target: `≤ ${ms(TARGETS.fanMakespanMs)}`,
      pass: fan.makespanMs <= TARGETS.fanMakespanMs,
      note: `${fans.map((f) => formatNumber(f.makespanMs)).join(", ")} ms; cpu ${fans.map((f) => pct(f.outcome.cpuShare)).join(", ")}`,
    },
    {
      scenario: "fan-out",
      metric: "root end → 1st middle start / last middle end → sink start",
      value: `${formatNumber(fan.releaseMs, 1)} / ${ms(fan.joinMs, 1)}`,
    },
    {
      scenario: "fan-out",
      metric: "import / createRun",
      value: `${formatNumber(fan.importMs)} / ${ms(fan.createRunMs)}`,
      target: "not in makespan",
      note: `createRun ${fans.map((f) => formatNumber(f.createRunMs)).join(", ")} ms`,
    },
    {
      scenario: "events",
      metric: `commit → SSE arrival p50 / p95, worker in another process (${events.events} events)`,
      value: `${ms(events.p50Ms)} / ${ms(events.p95Ms)}`,
      target: `p95 ≤ ${ms(TARGETS.eventP95Ms)}`,
      pass: events.p95Ms <= TARGETS.eventP95Ms,
      note: `max ${ms(events.maxMs)}; the stream polls every 100 ms for other processes' commits`,
    },
    ...cliRows(clis, bestFlat(CLI_CONCURRENCY)),
    ...importRows(imports, raws),
    {
      scenario: "shell",
      metric: `chain of ${shell.length} shell tasks ÷ ${shell.length} raw spawns of the same command`,
      value: `${formatNumber(shell.ratio, 2)}×`,
      target: `≤ ${formatNumber(TARGETS.shellRatio, 2)}×`,
      pass: shell.ratio <= TARGETS.shellRatio,
      note: `engine ${ms(shell.engineMs)}, raw ${ms(shell.rawMs)}; +${formatNumber(shell.extraPerAttemptMs, 1)} ms per attempt`,
    },
    {
      scenario: "sse",
      metric: `${sse.clients} tabs, ${formatNumber(sse.tasks)}-task run: commit → arrival p50 / p95 / max`,
      value: `${ms(sse.delayP50Ms)} / ${ms(sse.delayP95Ms)} / ${ms(sse.delayMaxMs)}`,
      target: `max ≤ ${ms(TARGETS.sseDelayMaxMs)}`,
      pass: sse.delayMaxMs <= TARGETS.sseDelayMaxMs && sse.completeClients === sse.clients,
      note: `${sse.completeClients}/${sse.clients} tabs got all ${formatNumber(sse.events)} events in order`,
    },
    {
      scenario: "sse",
      metric: "/api/health meanwhile, p50 / p95",
      value: `${ms(sse.healthP50Ms)} / ${ms(sse.healthP95Ms)}`,
      target: `p95 ≤ ${ms(TARGETS.sseHealthP95Ms)}`,
      pass: sse.healthP95Ms <= TARGETS.sseHealthP95Ms,
      note: `${sse.healthRequests} requests, max ${ms(sse.healthMaxMs)}`,
    },
    ...context.rows,
    ...browserGraphRows(browser),
    ...postgres,
  ];

  console.log(`\n${formatTable(rows)}\n`);
  console.log(`${context.qualityTable}\n`);
  // The bench itself keeps about one CPU busy; more load than CPUs means it had to share one.
  const busy = Math.max(loadBefore, loadAfter) > cpus.length;
  console.log(
    `load average ${formatNumber(loadBefore, 2)} → ${formatNumber(loadAfter, 2)} on ${cpus.length} CPUs` +
      (busy ? " — the machine was busy: other processes inflate every figure, the p99 first" : ""),
  );
  console.log("\nStore time by operation (synchronous self time around each SqliteStore call, best runs):");
  console.log(formatOps(`flat @${best.concurrency}`, best.ops, best.seconds * 1000));
  const chain = chains[0];
  if (chain) {
    const wall = chain.outcome.endedAt - chain.outcome.firstClaimAt;
    console.log(formatOps("chain run 1", chain.ops, wall));
  }
  console.log(formatOps("fan-out", fan.ops, fan.makespanMs));

  console.log(
    `\nRuns page, ${formatNumber(runsPage.taskRuns)} task runs in ${formatNumber(runsPage.runs)} runs ` +
      `(median of 7; reference: raw indexed newest-50 SELECT, ${ms(runsPage.referenceMs, 2)}):`,
  );
  for (const query of runsPage.queries) {
    const ratio = runsPage.referenceMs > 0 ? query.medianMs / runsPage.referenceMs : 0;
    console.log(
      `  ${query.label.padEnd(40)} ${ms(query.medianMs, 2).padStart(10)}  ×${formatNumber(ratio, 1)} reference`,
    );
  }

  const failed = rows.filter((row) => row.pass === false).length;
  console.log(
    `\n${failed === 0 ? "all targets met" : `${failed} target(s) missed`} — bench took ${formatNumber((performance.now() - benchStart) / 1000, 1)} s`,
  );
}

/** `taskloom run` and `taskloom worker` as ratios of the engine's best flat run at the same concurrency. */
function cliRows(clis: CliEndToEnd[], engine: FlatResult): Row[] {
  const rows: Row[] = [];
  for (const mode of ["run", "worker"] as const) {
    const best = clis.map((c) => c[mode]).reduce((a, b) => (b.runSeconds < a.runSeconds ? b : a));
    const ratio = best.runSeconds / engine.seconds;
    rows.push({
      scenario: "cli",
      metric: `taskloom ${mode} -c ${CLI_CONCURRENCY}, flat ${formatNumber(FLAT_TASKS)}: run time / engine's`,
      value: `${formatNumber(ratio, 2)}×`,
      target: `≤ ${formatNumber(TARGETS.cliRatio, 1)}×`,
      pass: ratio <= TARGETS.cliRatio,
      note: `${clis.map((c) => formatNumber(c[mode].runSeconds, 2)).join(", ")} s vs engine ${formatNumber(engine.seconds, 2)} s; process ${clis.map((c) => formatNumber(c[mode].wallSeconds, 1)).join(", ")} s with start-up${mode === "run" ? ", parse, import" : ""}; ${best.stdoutLines} stdout lines`,
    });
  }
  return [...rows, ...cliMemoryRows(clis)];
}

/** Bulk import + createRun in rows/s beside the raw batched insert, and how the cost grows with size. */
function importRows(imports: BigImportResult[], raws: RawInsertResult[]): Row[] {
  const raw = raws.reduce((a, b) => (b.rowsPerSecond > a.rowsPerSecond ? b : a));
  const bestOf = (tasks: number) =>
    imports.filter((i) => i.tasks === tasks).reduce((a, b) => (b.rowsPerSecond > a.rowsPerSecond ? b : a));
  const rows: Row[] = [
    {
      scenario: "import",
      metric: `reference: raw batched INSERT, ${formatNumber(RAW_INSERT_ROWS)} rows in one transaction`,
      value: `${formatNumber(raw.rowsPerSecond)} rows/s`,
      note: raws.map((r) => formatNumber(r.rowsPerSecond)).join(", "),
    },
  ];
  for (const tasks of IMPORT_SIZES) {
    const best = bestOf(tasks);
    rows.push({
      scenario: "import",
      metric: `importPlan + createRun, ${formatNumber(tasks)} tasks (tree: tasks + links + task runs + deps)`,
      value: `${formatNumber(best.rowsPerSecond)} rows/s`,
      target: `≥ ${formatNumber(TARGETS.importRowsPerSecond)}`,
      pass: best.rowsPerSecond >= TARGETS.importRowsPerSecond,
      note: `${pct(best.rowsPerSecond / raw.rowsPerSecond)} of raw; import ${formatNumber(best.importMs)} ms + createRun ${formatNumber(best.createRunMs)} ms (parse ${formatNumber(best.parseMs)} ms apart); all ${imports
        .filter((i) => i.tasks === tasks)
        .map((i) => formatNumber(i.rowsPerSecond))
        .join(", ")}`,
    });
  }
  const [small, large] = IMPORT_SIZES.map(bestOf);
  if (small && large) {
    const time = (i: BigImportResult) => i.importMs + i.createRunMs;
    const growth = time(large) / time(small);
    rows.push({
      scenario: "import",
      metric: `time ${formatNumber(large.tasks)} / time ${formatNumber(small.tasks)} tasks`,
      value: formatNumber(growth, 2),
      target: `≈ 2 (≤ ${formatNumber(TARGETS.importLinearity, 1)}), linear`,
      pass: growth <= TARGETS.importLinearity,
      note: `${formatNumber(time(small))} ms → ${formatNumber(time(large))} ms`,
    });
  }
  return rows;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
