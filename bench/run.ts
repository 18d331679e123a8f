import os from "node:os";
import { measureReference, type ReferenceResult } from "./reference.ts";
import { formatNumber, formatOps, formatTable, percentile, type Row } from "./report.ts";
import { type FlatResult, runChain, runFanOut, runFlat } from "./scenarios.ts";

/**
 * `pnpm bench`: engine throughput and latency on SQLite against the raw commit rate of the same machine.
 * Not part of `pnpm test`: the figures depend on the machine, so they are read, not asserted.
 */

const FLAT_TASKS = 20_000;
const FLAT_CONCURRENCIES = [64, 128, 256];
const CHAIN_LENGTH = 200;
const CHAIN_CONCURRENCY = 4;
const FAN_WIDTH = 10_000;

const TARGETS = {
  flatRatio: 0.25,
  hopP50Ms: 0.5,
  hopP99Ms: 3,
  fanMakespanMs: 1000,
};

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function main(): Promise<void> {
  const benchStart = performance.now();
  log(
    `taskloom bench — node ${process.version}, ${os.cpus()[0]?.model ?? "unknown cpu"} ×${os.cpus().length}`,
  );

  log("reference (before)…");
  const refBefore = measureReference();

  const flats: FlatResult[] = [];
  for (const concurrency of FLAT_CONCURRENCIES) {
    log(`flat ${formatNumber(FLAT_TASKS)} × concurrency ${concurrency}…`);
    flats.push(await runFlat(FLAT_TASKS, concurrency));
  }
  const best = flats.reduce((a, b) => (b.tasksPerSecond > a.tasksPerSecond ? b : a));

  log(`chain ${CHAIN_LENGTH}…`);
  const chain = await runChain(CHAIN_LENGTH, CHAIN_CONCURRENCY);

  log(`fan-out 1 → ${formatNumber(FAN_WIDTH)} → 1 × concurrency ${best.concurrency}…`);
  const fan = await runFanOut(FAN_WIDTH, best.concurrency);

  log("reference (after)…");
  const refAfter = measureReference();

  const refMean = (refBefore.commitsPerSecond + refAfter.commitsPerSecond) / 2;
  const ratio = (r: FlatResult, ref: number) => r.tasksPerSecond / ref;
  const pct = (x: number) => `${formatNumber(100 * x, 1)}%`;
  const refRow = (label: string, r: ReferenceResult): Row => ({
    scenario: "reference",
    metric: `raw commits/s (${label})`,
    value: formatNumber(r.commitsPerSecond),
    target: `${formatNumber(r.commits)} commits in ${formatNumber(r.seconds, 2)} s`,
  });

  const p50 = percentile(chain.hopsMs, 50);
  const p99 = percentile(chain.hopsMs, 99);
  const rows: Row[] = [
    refRow("before", refBefore),
    refRow("after", refAfter),
    ...flats.map(
      (f): Row => ({
        scenario: "flat",
        metric: `tasks/s @ concurrency ${f.concurrency}${f === best ? " (best)" : ""}`,
        value: formatNumber(f.tasksPerSecond),
        target: `${pct(ratio(f, refBefore.commitsPerSecond))} / ${pct(ratio(f, refAfter.commitsPerSecond))} of ref before/after`,
      }),
    ),
    {
      scenario: "flat",
      metric: `best vs mean reference (${formatNumber(refMean)}/s)`,
      value: pct(ratio(best, refMean)),
      target: `≥ ${pct(TARGETS.flatRatio)}`,
      pass: ratio(best, refMean) >= TARGETS.flatRatio,
    },
    {
      scenario: "flat",
      metric: `import ${formatNumber(FLAT_TASKS)} tasks / createRun (best run)`,
      value: `${formatNumber(best.importMs)} / ${formatNumber(best.createRunMs)} ms`,
      target: "not in tasks/s",
    },
    {
      scenario: "chain",
      metric: `hop p50 (${chain.hopsMs.length} hops, concurrency ${chain.concurrency})`,
      value: `${formatNumber(p50, 3)} ms`,
      target: `≤ ${TARGETS.hopP50Ms} ms`,
      pass: p50 <= TARGETS.hopP50Ms,
    },
    {
      scenario: "chain",
      metric: "hop p99",
      value: `${formatNumber(p99, 3)} ms`,
      target: `≤ ${TARGETS.hopP99Ms} ms`,
      pass: p99 <= TARGETS.hopP99Ms,
    },
    {
      scenario: "chain",
      metric: "hop max",
      value: `${formatNumber(Math.max(...chain.hopsMs), 3)} ms`,
    },
    {
      scenario: "fan-out",
      metric: `makespan 1 → ${formatNumber(fan.width)} → 1 (concurrency ${fan.concurrency})`,
      value: `${formatNumber(fan.makespanMs)} ms`,
      target: `≤ ${formatNumber(TARGETS.fanMakespanMs)} ms`,
      pass: fan.makespanMs <= TARGETS.fanMakespanMs,
    },
    {
      scenario: "fan-out",
      metric: "root end → first middle start / last middle end → sink start",
      value: `${formatNumber(fan.releaseMs, 1)} / ${formatNumber(fan.joinMs, 1)} ms`,
    },
    {
      scenario: "fan-out",
      metric: "import / createRun",
      value: `${formatNumber(fan.importMs)} / ${formatNumber(fan.createRunMs)} ms`,
      target: "not in makespan",
    },
  ];

  console.log(`\n${formatTable(rows)}\n`);
  console.log("Store time by operation (synchronous self time, measured around each SqliteStore call):");
  for (const f of flats) {
    console.log(formatOps(`flat @${f.concurrency}`, f.ops, f.seconds * 1000));
  }
  const chainWall = chain.hopsMs.reduce((sum, hop) => sum + hop, 0);
  console.log(formatOps("chain (wall = sum of hops)", chain.ops, chainWall));
  console.log(formatOps("fan-out", fan.ops, fan.makespanMs));

  const failed = rows.filter((row) => row.pass === false).length;
  console.log(
    `\n${failed === 0 ? "all targets met" : `${failed} target(s) missed`} — bench took ${formatNumber((performance.now() - benchStart) / 1000, 1)} s`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
