import { buildContextBundle, type ContextCandidates, RetrievalIndex } from "@taskloom/context";
import { resolveContextPolicy, seededRandom } from "@taskloom/core";
import { tokenizerForModel } from "@taskloom/llm";

/**
 * Bundle assembly for one task in a plan of 10,000 tasks with long outputs (≈ 300 words each): the time
 * from candidates to a finished bundle (gathering, BM25 retrieval, scoring, allocation, hashing), with the
 * plan's retrieval index built once beforehand, as the engine keeps it per plan state. The index build is
 * reported apart. The reference is the least any correct assembly costs: counting the tokens of the
 * bundle's candidates once, measured in the same run.
 */

export interface BundleBenchResult {
  tasks: number;
  samples: number;
  p50Ms: number;
  p95Ms: number;
  /** Process CPU time (user + system) per assembly, median: less sensitive to other processes than wall time. */
  cpuP50Ms: number;
  indexBuildMs: number;
  /** Counting the tokens of the candidates of one bundle, median. */
  referenceMs: number;
  candidates: number;
  usedTokens: number;
  budget: number;
  /** Share of the outputs that contain a given content word of the prompts, averaged over those words. */
  queryTermShare: number;
}

export const BUNDLE_TARGET_P50_MS = 50;

export async function measureBundleAssembly(
  options: { tasks?: number; samples?: number; budget?: number } = {},
): Promise<BundleBenchResult> {
  const taskCount = options.tasks ?? 10_000;
  const samples = options.samples ?? 21;
  const budget = options.budget ?? 6000;
  const tokenizer = tokenizerForModel("gpt-4o-mini");
  const candidates = bigPlan(taskCount);
  const outputs = new Map(candidates.tasks.map((task) => [`task:${task.key}`, task.output ?? ""]));

  let started = performance.now();
  const retrievalIndex = RetrievalIndex.fromCandidates(candidates);
  const indexBuildMs = performance.now() - started;

  const timings: number[] = [];
  const cpu: number[] = [];
  const references: number[] = [];
  let last: Awaited<ReturnType<typeof buildContextBundle>> | undefined;
  for (let i = 0; i < samples; i++) {
    // A different task each time, deep in the plan, so no run profits from the previous one's caches.
    const key = `t${taskCount - 1 - i * 37}`;
    const target = {
      key,
      prompt: `Write the status report for ${key}: the latency budget, the rollout region and the owner of the migration.`,
      policy: resolveContextPolicy({ budget }),
    };
    const cpuBefore = process.cpuUsage();
    started = performance.now();
    last = await buildContextBundle(candidates, target, { tokenizer, retrievalIndex });
    timings.push(performance.now() - started);
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
    // The tokenizer remembers counts by content: a suffix makes each text one it has not seen, so the
    // reference pays the byte-pair encoding that the first sight of a text costs.
    const texts = last.items.map((item) => `${outputs.get(item.ref) ?? ""} ${i}`);
    started = performance.now();
    for (const text of texts) tokenizer.count(text);
    references.push(performance.now() - started);
  }
  return {
    tasks: taskCount,
    samples,
    p50Ms: median(timings),
    p95Ms: percentile(timings, 95),
    cpuP50Ms: median(cpu),
    indexBuildMs,
    referenceMs: median(references),
    candidates: last?.items.length ?? 0,
    usedTokens: last?.usedTokens ?? 0,
    budget,
    queryTermShare:
      QUERY_WORDS.reduce(
        (sum, word) => sum + [...outputs.values()].filter((text) => text.includes(word)).length,
        0,
      ) /
      (QUERY_WORDS.length * outputs.size),
  };
}

/**
 * A vocabulary of 4,000 made-up words drawn with a Zipf distribution, as words are in real text: a few are
 * everywhere, most are rare. (A tiny vocabulary would put every query term in every output.)
 */
const SYLLABLES = "ka lo mi ra te vo su ne pi da fo gu le zi ba co".split(" ");
const VOCABULARY = Array.from({ length: 4000 }, (_, i) => {
  let word = "";
  for (let n = i + 17; n > 0; n = Math.floor(n / SYLLABLES.length)) word += SYLLABLES[n % SYLLABLES.length];
  return word;
});
const QUERY_WORDS = ["latency", "budget", "rollout", "region", "owner", "migration", "status", "report"];

/** A chain of work packages: every task requires the three before it and refers to one further back. */
export function bigPlan(count: number): ContextCandidates {
  const random = seededRandom(42);
  // Zipf: rank r is drawn with probability ∝ 1/r (inverse transform on the harmonic series' integral).
  const word = () => {
    if (random() < 0.003) return QUERY_WORDS[Math.floor(random() * QUERY_WORDS.length)] ?? "report";
    const rank = Math.floor(Math.exp(random() * Math.log(VOCABULARY.length)));
    return VOCABULARY[rank - 1] ?? "item";
  };
  const sentence = () => {
    const n = 8 + Math.floor(random() * 10);
    const words = Array.from({ length: n }, word);
    if (random() < 0.3) words.push(String(Math.floor(random() * 1000)));
    return `${words.join(" ")}.`;
  };
  const output = () => Array.from({ length: 24 }, sentence).join(" ");
  const tasks = Array.from({ length: count }, (_, i) => ({
    key: `t${i}`,
    name: `Work package ${i}`,
    output: output(),
    requires: [i - 1, i - 2, i - 3].filter((j) => j >= 0).map((j) => `t${j}`),
    refers: i >= 10 ? [`t${i - 10}`] : [],
  }));
  return {
    index: "# INDEX\nA large programme of work packages.",
    tasks,
    documents: Array.from({ length: 20 }, (_, i) => ({
      key: `doc${i}`,
      title: `Design note ${i}`,
      text: output(),
    })),
    notes: [{ key: "audience", value: "engineering leads" }],
  };
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}
