import { buildContextBundle } from "@taskloom/context";
import { tokenizerForModel } from "@taskloom/llm";
import { generatePlan } from "./generate.ts";
import { QUALITY_PLANS, type QualityPlan } from "./plans.ts";

/**
 * Recall and precision of needed facts within a token budget, for Taskloom's bundle and for the naive
 * baseline (every `requires` upstream output concatenated, then truncated to the same budget), on the
 * same plans in the same run. See README.md for the method.
 */

export interface QualityScore {
  /** Gold facts present / gold facts. */
  recall: number;
  /** Gold facts present / (gold + distractor facts present). */
  precision: number;
  found: number;
  gold: number;
  distractors: number;
  tokens: number;
}

export interface QualityRow {
  plan: string;
  budget: number;
  taskloom: QualityScore;
  baseline: QualityScore;
  /** Gold keys Taskloom's bundle missed. */
  missed: string[];
}

export interface QualityResult {
  rows: QualityRow[];
  /** Micro-averaged over all plans: total found / total gold, and so on. */
  totals: { taskloom: QualityScore; baseline: QualityScore };
  budget: number;
  model: string;
}

export const DEFAULT_QUALITY_BUDGET = 1200;
export const TARGETS = { recall: 0.95, baselineRecall: 0.6 };

export async function runContextQuality(
  options: { budget?: number; model?: string; plans?: QualityPlan[] } = {},
): Promise<QualityResult> {
  const budget = options.budget ?? DEFAULT_QUALITY_BUDGET;
  const model = options.model ?? "gpt-4o-mini";
  const tokenizer = tokenizerForModel(model);
  const rows: QualityRow[] = [];
  for (const plan of options.plans ?? QUALITY_PLANS) {
    const generated = generatePlan(plan, budget);
    const bundle = await buildContextBundle(generated.candidates, generated.target, { tokenizer });
    const baselineText = tokenizer.truncate(generated.upstreamOutputs.join("\n\n"), budget);
    const taskloom = score(plan, bundle.contextText, bundle.usedTokens);
    rows.push({
      plan: plan.slug,
      budget,
      taskloom,
      baseline: score(plan, baselineText, tokenizer.count(baselineText)),
      missed: plan.gold.filter((fact) => !bundle.contextText.includes(fact.key)).map((fact) => fact.key),
    });
  }
  return {
    rows,
    totals: { taskloom: total(rows.map((r) => r.taskloom)), baseline: total(rows.map((r) => r.baseline)) },
    budget,
    model,
  };
}

function score(plan: QualityPlan, text: string, tokens: number): QualityScore {
  const found = plan.gold.filter((fact) => text.includes(fact.key)).length;
  const distractors = plan.distractors.filter((fact) => text.includes(fact.key)).length;
  return ratios(found, plan.gold.length, distractors, tokens);
}

function total(scores: QualityScore[]): QualityScore {
  const sum = (pick: (s: QualityScore) => number) => scores.reduce((acc, s) => acc + pick(s), 0);
  return ratios(
    sum((s) => s.found),
    sum((s) => s.gold),
    sum((s) => s.distractors),
    sum((s) => s.tokens),
  );
}

function ratios(found: number, gold: number, distractors: number, tokens: number): QualityScore {
  return {
    recall: gold === 0 ? 1 : found / gold,
    precision: found + distractors === 0 ? 0 : found / (found + distractors),
    found,
    gold,
    distractors,
    tokens,
  };
}

/** The result as a table, one row per plan and a total row. */
export function formatContextQuality(result: QualityResult): string {
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const header = ["plan", "taskloom recall", "precision", "tokens", "baseline recall", "precision", "missed"];
  const line = (name: string, t: QualityScore, b: QualityScore, missed: string) => [
    name,
    `${pct(t.recall)} (${t.found}/${t.gold})`,
    pct(t.precision),
    String(t.tokens),
    `${pct(b.recall)} (${b.found}/${b.gold})`,
    pct(b.precision),
    missed,
  ];
  const cells = [
    ...result.rows.map((row) => line(row.plan, row.taskloom, row.baseline, row.missed.join(", "))),
    line("TOTAL", result.totals.taskloom, result.totals.baseline, ""),
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const render = (cell: string[]) =>
    cell
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const { taskloom, baseline } = result.totals;
  const verdict =
    `recall ${pct(taskloom.recall)} (target ≥ ${pct(TARGETS.recall)}) ${taskloom.recall >= TARGETS.recall ? "✓" : "✗"}; ` +
    `baseline ${pct(baseline.recall)} (target ≤ ${pct(TARGETS.baselineRecall)}) ${baseline.recall <= TARGETS.baselineRecall ? "✓" : "✗"}`;
  return [
    `Context quality: ${result.rows.length} plans, budget ${result.budget} tokens (${result.model} tokenizer)`,
    render(header),
    widths.map((w) => "─".repeat(w)).join("  "),
    ...cells.map(render),
    verdict,
  ].join("\n");
}
