import type { Tokenizer } from "@taskloom/core";
import { type Candidate, gatherCandidates } from "./candidates.ts";
import {
  addCost,
  addUnit,
  fitChosen,
  type ScoredText,
  scoreUnits,
  selectUnits,
  splitUnits,
  termStats,
} from "./extractive-summary.ts";
import { canonicalHash, sha256 } from "./hash.ts";
import { memoryEmbeddingCache, RetrievalIndex, retrievalDocs } from "./retrieval.ts";
import {
  CONTEXT_HEADING,
  DEFAULT_SYSTEM_PROMPT,
  renderContext,
  renderItem,
  renderTaskSection,
  TEMPLATE_VERSION,
} from "./template.ts";
import { termsOf } from "./terms.ts";
import type {
  BuildDependencies,
  BundleItem,
  ContentCache,
  ContextBundle,
  ContextCandidates,
  ContextTarget,
  Decision,
} from "./types.ts";
import { entersPrompt, tierRank } from "./types.ts";

/** Used when the target gives no context window. */
export const DEFAULT_CONTEXT_WINDOW = 8192;
/** Output tokens kept free for the answer when the task sets no `maxTokens`. */
export const DEFAULT_OUTPUT_RESERVE = 1024;
/** Tokens the chat format adds around the two messages (role markers, reply priming). */
export const CHAT_OVERHEAD_TOKENS = 11;
/**
 * In the first pass a shortened item of the requires, refers, retrieval, sibling or note tiers takes at
 * most this share of the budget (never less than `ESSENTIAL_MIN_TOKENS`): its best units only, so that the
 * essentials of lower tiers are not crowded out by the filler of higher ones. The second pass spends what
 * is left on the best remaining units of all items.
 */
const ESSENTIAL_SHARE = 0.12;
const ESSENTIAL_MIN_TOKENS = 80;
/** In the first pass an item enters whole when it takes at most this share of the budget (or the minimum). */
const WHOLE_SHARE = 0.2;
const WHOLE_MIN_TOKENS = 120;
/**
 * Pinned items and the INDEX enter whole whenever they fit; when they do not, their first-pass summary
 * may take up to this share of the budget (the later passes can grow it further).
 */
const WANTED_SHARE = 0.5;
/** A first-pass summary keeps units scoring at least this share of the item's best unit. */
const ESSENTIAL_RELEVANCE = 0.5;
/** In the second pass a unit's score is raised by this much per tier above the lowest. */
const TIER_WEIGHT = 0.05;
/** A shortened item whose body would get fewer tokens than this is dropped instead. */
const MIN_BODY_TOKENS = 16;
/** When no sentence of a high-tier item matches the query, its opening of this size is kept (trimmed). */
const LEAD_TOKENS = 60;

const TRIM_MARK = "\n[… trimmed]";

interface Slot {
  candidate: Candidate;
  decision: Decision;
  body: string;
  /** Tokens in the prompt, framing included. */
  cost: number;
  fullCost: number;
  how?: "extractive" | "llm";
  /** For extractive summaries: the units kept. */
  chosen?: Set<number>;
  /** Added to the reason, e.g. why an LLM summary was not used. */
  note?: string;
}

/**
 * Builds the bundle a task gets now: gathers candidates by tier, allocates the budget and records each
 * decision. Deterministic: equal inputs give byte-identical bundles and the same hash.
 */
export async function buildContextBundle(
  input: ContextCandidates,
  target: ContextTarget,
  deps: BuildDependencies,
): Promise<ContextBundle> {
  const { tokenizer } = deps;
  const cache = deps.cache ?? memoryCache();
  // A kept index is only a cache: aligned to these candidates, it ranks exactly as a fresh one would.
  const index = deps.retrievalIndex ?? new RetrievalIndex();
  index.align(retrievalDocs(input));
  const { candidates, excluded } = await gatherCandidates(
    input,
    target,
    deps,
    index,
    deps.embeddings ?? memoryEmbeddingCache(),
  );

  const system = target.system?.trim() ? target.system : DEFAULT_SYSTEM_PROMPT;
  const promptTokens =
    tokenizer.count(system) + tokenizer.count(renderTaskSection(target)) + CHAT_OVERHEAD_TOKENS;
  const window = target.contextWindow ?? DEFAULT_CONTEXT_WINDOW;
  const reserve = target.maxTokens ?? DEFAULT_OUTPUT_RESERVE;
  // An explicit budget is kept, but never past what a known window leaves: the request would be refused.
  const derived = window - promptTokens - reserve;
  const explicit = target.policy.budget;
  const budget = Math.max(
    0,
    Math.floor(explicit === null ? derived : target.contextWindow ? Math.min(explicit, derived) : explicit),
  );

  const allocator = new Allocator(tokenizer, target, deps, cache, budget);
  const slots = await allocator.allocate(candidates);
  const { text: contextText, tokens: usedTokens } = allocator.fit(slots);

  const items: BundleItem[] = [...slots.map(toItem), ...excluded.map(excludedItem)].sort(
    (a, b) => a.tierRank - b.tierRank || order(a, slots) - order(b, slots),
  );
  const promptHash = sha256(`${system}\n\n${target.prompt}`);
  const hash = canonicalHash({ v: TEMPLATE_VERSION, task: target.key, budget, promptHash, items });
  return { task: target.key, hash, budget, usedTokens, promptTokens, items, contextText, promptHash };
}

/** Items of one tier keep the order gathering gave them; excluded items follow the entered ones of their tier. */
function order(item: BundleItem, slots: Slot[]): number {
  const index = slots.findIndex((slot) => slot.candidate.ref === item.ref);
  return index === -1 ? Number.MAX_SAFE_INTEGER : index;
}

class Allocator {
  readonly #tokenizer: Tokenizer;
  readonly #target: ContextTarget;
  readonly #deps: BuildDependencies;
  readonly #cache: ContentCache;
  readonly #budget: number;
  readonly #query: string;
  /** Units and scores of every available candidate, computed on first need (not when all fits whole). */
  #scored: Map<string, ScoredText> | null = null;
  #slots: Slot[] = [];

  constructor(
    tokenizer: Tokenizer,
    target: ContextTarget,
    deps: BuildDependencies,
    cache: ContentCache,
    budget: number,
  ) {
    this.#tokenizer = tokenizer;
    this.#target = target;
    this.#deps = deps;
    this.#cache = cache;
    this.#budget = budget;
    this.#query = target.prompt;
  }

  async allocate(candidates: Candidate[]): Promise<Slot[]> {
    const slots: Slot[] = candidates.map((candidate) => ({
      candidate,
      decision: "dropped",
      body: "",
      cost: 0,
      fullCost: candidate.unavailable ? 0 : this.#cost(candidate, "full", candidate.body),
    }));
    this.#slots = slots;
    // The section heading is paid once, whatever enters.
    let remaining = this.#budget - this.#tokenizer.count(CONTEXT_HEADING);
    const essentialCap = Math.max(ESSENTIAL_MIN_TOKENS, Math.floor(this.#budget * ESSENTIAL_SHARE));
    const wholeCap = Math.max(WHOLE_MIN_TOKENS, Math.floor(this.#budget * WHOLE_SHARE));

    // Pass 1, by tier then order: whole when small, else its essentials (its best units only).
    for (const slot of slots) {
      if (slot.candidate.unavailable || remaining <= 0) continue;
      const { tier } = slot.candidate;
      const wanted = tier === "pinned" || tier === "index";
      if (slot.fullCost <= Math.min(remaining, wanted ? remaining : wholeCap)) {
        this.#set(slot, "full", slot.candidate.body);
      } else if (wanted) {
        await this.#shorten(
          slot,
          Math.min(remaining, Math.max(essentialCap, Math.floor(this.#budget * WANTED_SHARE))),
          0,
          true,
        );
      } else {
        await this.#shorten(slot, Math.min(remaining, essentialCap), ESSENTIAL_RELEVANCE, true);
      }
      remaining -= slot.cost;
    }

    // Pass 2, across items: the best units not yet in, whatever item they are from (a higher tier weighs
    // a little more), until the budget is spent. Scores share one set of statistics, so they compare.
    remaining -= this.#growSummaries(slots, remaining);

    // Pass 3, by tier: items that now fit whole become whole; trimmed items get longer.
    for (const slot of slots) {
      if (remaining <= 0) break;
      if (slot.decision !== "summarized" && slot.decision !== "trimmed") continue;
      if (slot.fullCost - slot.cost <= remaining) {
        remaining -= slot.fullCost - slot.cost;
        this.#set(slot, "full", slot.candidate.body);
      } else if (slot.decision === "trimmed") {
        const before = slot.cost;
        const previous = { ...slot };
        this.#trim(slot, before + remaining);
        if (slot.cost <= before) Object.assign(slot, previous);
        remaining -= slot.cost - before;
      }
    }
    return slots;
  }

  /** Pass 2. Returns the tokens it used. */
  #growSummaries(slots: Slot[], available: number): number {
    const pool: Array<{ slot: Slot; index: number; weight: number }> = [];
    for (const slot of slots) {
      if (slot.decision !== "summarized" || slot.how !== "extractive" || !slot.chosen) continue;
      const scored = this.#scoredFor(slot.candidate.ref);
      if (!scored) continue;
      const tierWeight = 1 + TIER_WEIGHT * (7 - tierRank(slot.candidate.tier));
      for (const [index, unit] of scored.units.entries()) {
        if (unit.score > 0 && !slot.chosen.has(index))
          pool.push({ slot, index, weight: unit.score * tierWeight });
      }
    }
    const position = new Map(slots.map((slot, i) => [slot, i]));
    const at = (slot: Slot) => position.get(slot) ?? 0;
    pool.sort((a, b) => b.weight - a.weight || at(a.slot) - at(b.slot) || a.index - b.index);
    let left = available;
    const grown = new Map<Slot, number>();
    for (const { slot, index } of pool) {
      const units = this.#scoredFor(slot.candidate.ref)?.units ?? [];
      const chosen = slot.chosen;
      if (!chosen) continue;
      const cost = addCost(units, chosen, index);
      if (cost === 0 || cost > left) continue;
      addUnit(units, chosen, index);
      left -= cost;
      grown.set(slot, (grown.get(slot) ?? 0) + cost);
    }
    // Render the grown items for real; the estimate per join may be off, so fit each to what it claimed.
    let used = 0;
    for (const [slot, added] of grown) {
      const units = this.#scoredFor(slot.candidate.ref)?.units ?? [];
      const chosen = slot.chosen ?? new Set<number>();
      const before = slot.cost;
      const header = this.#cost(slot.candidate, "summarized", "");
      const claimed = before + added;
      const body = fitChosen(units, chosen, Math.max(0, claimed - header), this.#tokenizer);
      this.#set(slot, "summarized", body, "extractive", chosen);
      used += slot.cost - before;
    }
    return used;
  }

  #scoredFor(ref: string): ScoredText | undefined {
    if (!this.#scored) {
      const queryTerms = new Set(termsOf(this.#query));
      const split = this.#slots
        .filter((slot) => !slot.candidate.unavailable)
        .map((slot) => ({
          ref: slot.candidate.ref,
          units: splitUnits(slot.candidate.body, this.#tokenizer),
        }));
      const stats = termStats(split.map((entry) => entry.units));
      this.#scored = new Map(split.map(({ ref, units }) => [ref, scoreUnits(units, queryTerms, stats)]));
    }
    return this.#scored.get(ref);
  }

  /**
   * Renders the Context section and makes sure it fits: token counts of parts need not add up exactly to
   * the count of the whole, so the last entered items are shortened or dropped until the whole fits.
   */
  fit(slots: Slot[]): { text: string; tokens: number } {
    for (;;) {
      const entered = slots.filter((slot) => entersPrompt(slot.decision));
      if (entered.length === 0) return { text: "", tokens: 0 };
      const text = renderContext(
        entered.map((slot) => ({ item: slot.candidate, decision: slot.decision, body: slot.body })),
      );
      const tokens = this.#tokenizer.count(text);
      const over = tokens - this.#budget;
      if (over <= 0) return { text, tokens };
      const last = entered[entered.length - 1];
      if (!last) return { text: "", tokens: 0 };
      const target = last.cost - over - 1;
      this.#trim(last, target);
      if (last.cost > target) this.#drop(last);
    }
  }

  async #shorten(slot: Slot, maxCost: number, minRelative: number, firstPass: boolean): Promise<void> {
    const { candidate } = slot;
    const mode = this.#target.policy.summarize;
    if (mode === "off") {
      this.#trim(slot, maxCost);
      return;
    }
    const header = this.#cost(candidate, "summarized", "");
    const bodyTokens = maxCost - header;
    if (bodyTokens < MIN_BODY_TOKENS) {
      this.#drop(slot);
      return;
    }
    if (mode === "llm") {
      // A summarizer that is missing or fails must not fail the task: the extractive summary stands in.
      const summary = this.#deps.summarizer
        ? await this.#llmSummary(candidate, bodyTokens).catch((error: unknown) => {
            slot.note = `LLM summary failed (${error instanceof Error ? error.message : String(error)}), extractive instead`;
            return "";
          })
        : "";
      if (!this.#deps.summarizer) slot.note = "no LLM summarizer configured, extractive instead";
      if (summary.trim() !== "") {
        this.#set(slot, "summarized", this.#tokenizer.truncate(summary, bodyTokens), "llm");
        if (slot.cost > maxCost) this.#trim(slot, maxCost);
        return;
      }
    }
    const scored = this.#scoredFor(candidate.ref);
    const chosen = scored
      ? selectUnits(scored, { maxTokens: bodyTokens, minRelative }, new Set())
      : new Set<number>();
    const summary = scored ? fitChosen(scored.units, chosen, bodyTokens, this.#tokenizer) : "";
    if (summary !== "") {
      this.#set(slot, "summarized", summary, "extractive", chosen);
      if (slot.cost > maxCost) this.#trim(slot, maxCost);
      return;
    }
    // Nothing matches the query. High tiers keep their opening (a person or a link asked for them); in the
    // first pass only a lead, so that a lower tier's matching passage is not crowded out.
    const high =
      candidate.tier === "pinned" ||
      candidate.tier === "index" ||
      candidate.tier === "requires" ||
      candidate.tier === "refers";
    if (high || !firstPass) this.#trim(slot, firstPass ? Math.min(maxCost, header + LEAD_TOKENS) : maxCost);
    else this.#drop(slot);
  }

  /** The head of the item that fits in `maxCost`, marked as trimmed; dropped when too little would remain. */
  #trim(slot: Slot, maxCost: number): void {
    const header = this.#cost(slot.candidate, "trimmed", "");
    const markTokens = this.#tokenizer.count(TRIM_MARK);
    const bodyTokens = maxCost - header - markTokens;
    if (bodyTokens < MIN_BODY_TOKENS) {
      this.#drop(slot);
      return;
    }
    const source = slot.decision === "summarized" ? slot.body : slot.candidate.body;
    const head = this.#tokenizer.truncate(source, bodyTokens).trimEnd();
    this.#set(slot, "trimmed", head + TRIM_MARK);
    // Re-rendering can cost a token more than the parts; shave until it fits.
    let cut = bodyTokens;
    while (slot.cost > maxCost && cut > MIN_BODY_TOKENS) {
      cut -= Math.max(1, slot.cost - maxCost);
      this.#set(slot, "trimmed", this.#tokenizer.truncate(source, cut).trimEnd() + TRIM_MARK);
    }
    if (slot.cost > maxCost) this.#drop(slot);
  }

  #drop(slot: Slot): void {
    slot.decision = "dropped";
    slot.body = "";
    slot.cost = 0;
    slot.how = undefined;
    slot.chosen = undefined;
  }

  #set(slot: Slot, decision: Decision, body: string, how?: Slot["how"], chosen?: Set<number>): void {
    slot.decision = decision;
    slot.body = body;
    slot.cost = this.#cost(slot.candidate, decision, body);
    slot.how = how;
    slot.chosen = chosen;
  }

  #cost(candidate: Candidate, decision: Decision, body: string): number {
    return this.#tokenizer.count(renderItem(candidate, decision, body));
  }

  async #llmSummary(candidate: Candidate, maxTokens: number): Promise<string> {
    const summarizer = this.#deps.summarizer;
    if (!summarizer) return "";
    const key = `summary:${summarizer.id}:${candidate.contentHash}:${sha256(this.#query)}:${maxTokens}`;
    const cached = await this.#cache.get(key);
    if (cached !== undefined) return cached;
    const summary = await summarizer.summarize(candidate.body, { query: this.#query, maxTokens });
    await this.#cache.set(key, summary);
    return summary;
  }
}

function toItem(slot: Slot): BundleItem {
  const enters = entersPrompt(slot.decision);
  return item(
    slot.candidate,
    slot.decision,
    reasonOf(slot),
    enters ? slot.cost : 0,
    slot.fullCost,
    enters ? slot.body : "",
  );
}

function excludedItem(candidate: Candidate): BundleItem {
  return item(candidate, "excluded", "excluded by user", 0, 0, "");
}

function item(
  c: Candidate,
  decision: Decision,
  reason: string,
  tokens: number,
  fullTokens: number,
  text: string,
): BundleItem {
  const { ref, tier, type, title, source, contentHash } = c;
  return {
    ref,
    tier,
    tierRank: tierRank(tier),
    type,
    title,
    source,
    decision,
    reason,
    tokens,
    fullTokens,
    text,
    contentHash,
  };
}

const WHY: Record<Candidate["tier"], string> = {
  pinned: "pinned",
  index: "included: INDEX is always included",
  requires: "included: output of a direct requires upstream",
  refers: "included: refers target",
  retrieval: "included: retrieval hit",
  sibling: "included: plan sibling, short form",
  note: "included: plan note",
};

function reasonOf(slot: Slot): string {
  const { candidate, decision } = slot;
  if (candidate.unavailable) return candidate.unavailable;
  const why =
    candidate.tier === "retrieval" && candidate.detail
      ? `included: ${candidate.detail}`
      : candidate.source === "relates_to"
        ? "included: relates_to target"
        : WHY[candidate.tier];
  const pinned = candidate.tier === "pinned" ? "pinned; " : "";
  const sizes = `${slot.fullCost} → ${slot.cost} tokens to fit the budget`;
  switch (decision) {
    case "full":
      return why;
    case "summarized": {
      const how = slot.how === "llm" ? "LLM summary" : "query-focused extractive";
      return `${pinned}summarized: ${sizes} (${how}${slot.note ? `; ${slot.note}` : ""})`;
    }
    case "trimmed":
      return `${pinned}trimmed: ${sizes}`;
    default:
      return "dropped: over budget";
  }
}

/** A cache that lives for one call, used when the caller passes none. */
export function memoryCache(): ContentCache {
  const map = new Map<string, string>();
  return {
    get: async (key) => map.get(key),
    set: async (key, value) => {
      map.set(key, value);
    },
  };
}
