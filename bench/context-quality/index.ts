import { formatNumber, type Row } from "../report.ts";
import { BUNDLE_TARGET_P50_MS, type BundleBenchResult, measureBundleAssembly } from "./bundle-bench.ts";
import { type EngineBundleResult, measureEngineBundle } from "./engine-bench.ts";
import { formatContextQuality, type QualityResult, runContextQuality, TARGETS } from "./evaluate.ts";

export { BUNDLE_TARGET_P50_MS, type BundleBenchResult, measureBundleAssembly } from "./bundle-bench.ts";
export { type EngineBundleResult, measureEngineBundle } from "./engine-bench.ts";
export { formatContextQuality, type QualityResult, runContextQuality } from "./evaluate.ts";

/**
 * The context engine's part of `pnpm bench`: rows for `formatTable` (recall/precision for Taskloom and the
 * naive baseline, bundle assembly in a 10,000-task plan) and the per-plan quality table to print under it.
 * Usage in bench/run.ts: `const context = await contextBenchRows(); rows.push(...context.rows);
 * console.log(context.qualityTable);`
 */
export async function contextBenchRows(): Promise<{
  rows: Row[];
  qualityTable: string;
  quality: QualityResult;
  bundle: BundleBenchResult;
  engine: EngineBundleResult;
}> {
  const quality = await runContextQuality();
  const bundle = await measureBundleAssembly();
  const engine = await measureEngineBundle();
  const pct = (x: number) => `${formatNumber(100 * x, 1)}%`;
  const { taskloom, baseline } = quality.totals;
  const rows: Row[] = [
    {
      scenario: "context",
      metric: `recall of needed facts, ${quality.rows.length} plans, budget ${quality.budget} tokens`,
      value: pct(taskloom.recall),
      target: `≥ ${pct(TARGETS.recall)}`,
      pass: taskloom.recall >= TARGETS.recall,
      note: `precision ${pct(taskloom.precision)}; ${taskloom.found}/${taskloom.gold} facts`,
    },
    {
      scenario: "context",
      metric: "naive baseline recall (requires outputs concatenated, truncated to the budget)",
      value: pct(baseline.recall),
      target: `≤ ${pct(TARGETS.baselineRecall)}`,
      pass: baseline.recall <= TARGETS.baselineRecall,
      note: `precision ${pct(baseline.precision)}; ${baseline.found}/${baseline.gold} facts`,
    },
    {
      scenario: "context",
      metric: `bundle assembly p50, ${formatNumber(bundle.tasks)}-task plan, budget ${formatNumber(bundle.budget)}`,
      value: `${formatNumber(bundle.p50Ms, 1)} ms`,
      target: `≤ ${BUNDLE_TARGET_P50_MS} ms`,
      pass: bundle.p50Ms <= BUNDLE_TARGET_P50_MS,
      note:
        `p95 ${formatNumber(bundle.p95Ms, 1)} ms; cpu p50 ${formatNumber(bundle.cpuP50Ms, 1)} ms; ` +
        `${formatNumber(bundle.p50Ms / Math.max(bundle.referenceMs, 0.001), 0)}× counting the candidates' tokens once ` +
        `(${formatNumber(bundle.referenceMs, 2)} ms); retrieval index built once in ${formatNumber(bundle.indexBuildMs)} ms`,
    },
    {
      scenario: "context",
      metric: `preview through the engine (store reads included), ${formatNumber(engine.tasks)}-task plan on SQLite`,
      value: `${formatNumber(engine.p50Ms, 1)} ms`,
      target: `≤ ${BUNDLE_TARGET_P50_MS} ms`,
      pass: engine.p50Ms <= BUNDLE_TARGET_P50_MS,
      note:
        `p95 ${formatNumber(engine.p95Ms, 1)} ms; cpu p50 ${formatNumber(engine.cpuP50Ms, 1)} ms; first preview ` +
        `${formatNumber(engine.coldMs)} ms (reads every output, builds the index); after one output changed ` +
        `${formatNumber(engine.afterChangeMs, 1)} ms`,
    },
  ];
  return { rows, qualityTable: formatContextQuality(quality), quality, bundle, engine };
}
