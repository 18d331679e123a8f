import { formatContextQuality, runContextQuality } from "./evaluate.ts";

/**
 * `node --import tsx bench/context-quality/run.ts [budget…]`: the context-quality table on its own, for one
 * or several budgets (default 1200). `pnpm bench` calls `runContextQuality` itself.
 */
const budgets = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => Number.isFinite(n) && n > 0);
for (const budget of budgets.length > 0 ? budgets : [undefined]) {
  console.log(`${formatContextQuality(await runContextQuality({ budget }))}\n`);
}
