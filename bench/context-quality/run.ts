import { measureBundleAssembly } from "./bundle-bench.ts";
import { measureEngineBundle } from "./engine-bench.ts";
import { formatContextQuality, runContextQuality } from "./evaluate.ts";

/**
 * `node --import tsx bench/context-quality/run.ts [budget…]`: the context-quality table on its own, for one
 * or several budgets (default 1200). `… run.ts --assembly`: only the bundle assembly figures (the pure
 * bundle, then the engine's preview on SQLite), as JSON. `pnpm bench` calls both itself.
 */
if (process.argv.includes("--assembly")) {
  console.log(JSON.stringify({ bundle: await measureBundleAssembly(), engine: await measureEngineBundle() }));
} else {
  const budgets = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => Number.isFinite(n) && n > 0);
  for (const budget of budgets.length > 0 ? budgets : [undefined]) {
    console.log(`${formatContextQuality(await runContextQuality({ budget }))}\n`);
  }
}
