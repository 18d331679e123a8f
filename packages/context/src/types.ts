import type { ContextPolicy, Tokenizer } from "@taskloom/core";
import type { RetrievalIndex } from "./retrieval.ts";

/**
 * Glossary (context engine; see also the glossary in `@taskloom/core`'s context-types)
 * -------------------------------------------------------------------------------
 * - **tier**: why an item is a candidate, highest first: pinned, index, requires, refers (also relates_to),
 *   retrieval, sibling, note. An item that qualifies for several keeps its highest tier.
 * - **framing**: the header line each item gets in the prompt (ref, source, type). It counts in the budget.
 * - **cost**: the tokens an item takes in the prompt, framing included.
 * - **decision**: what allocation did with a candidate: `full`, `summarized`, `trimmed`, `dropped`,
 *   `excluded`. Only the first three enter the prompt.
 * - **query**: the task's prompt (and name); retrieval and summaries rank text against it.
 */

export const TIERS = ["pinned", "index", "requires", "refers", "retrieval", "sibling", "note"] as const;
export type Tier = (typeof TIERS)[number];

/** The tier's rank, 1 (pinned) to 7 (note). */
export function tierRank(tier: Tier): number {
  return TIERS.indexOf(tier) + 1;
}

export type ItemType = "index" | "task-output" | "task-summary" | "document" | "note";

export type Decision = "full" | "summarized" | "trimmed" | "dropped" | "excluded";

/** A decision that puts the item's text into the prompt. */
export function entersPrompt(decision: Decision): boolean {
  return decision === "full" || decision === "summarized" || decision === "trimmed";
}

/** One task of the plan as the context engine sees it. */
export interface ContextTaskInput {
  key: string;
  /** Default: the key. */
  name?: string;
  /** The task's latest successful output as text; null when it has none yet. */
  output: string | null;
  /** Upstream keys this task requires. Default `[]`. */
  requires?: string[];
  /** Keys (or item refs such as `doc:spec`) this task refers to. Default `[]`. */
  refers?: string[];
  /** Keys of tasks whose output this task's output duplicates. Default `[]`. */
  duplicates?: string[];
  /** Keys (or item refs) related to this task, read like `refers`. Default `[]`. */
  relatesTo?: string[];
  /** The big task this one belongs to. Default none. */
  parent?: string | null;
}

export interface ContextDocumentInput {
  key: string;
  /** Default: the key. */
  title?: string;
  text: string;
}

export interface ContextNoteInput {
  key: string;
  value: string;
}

/** Everything of the plan a bundle may draw from, gathered by the caller (the engine) from its store. */
export interface ContextCandidates {
  /** The plan's INDEX document. Empty means the plan has none. */
  index: string;
  /** Every task of the plan, the one being built included. */
  tasks: ContextTaskInput[];
  /** Default `[]`. */
  documents?: ContextDocumentInput[];
  /** Default `[]`. */
  notes?: ContextNoteInput[];
}

/** The port through which the engine hands candidates to the context engine. */
export interface ContextSource {
  candidates(planSlug: string, taskKey: string): Promise<ContextCandidates>;
}

/** The task a bundle is built for. */
export interface ContextTarget {
  key: string;
  /** The task's prompt with its templates already rendered. It is the query for retrieval and summaries. */
  prompt: string;
  /** The system message. Default: `DEFAULT_SYSTEM_PROMPT`. */
  system?: string | null;
  policy: ContextPolicy;
  /** Refs pinned by people or the plan file, in pin order. Default `[]`. */
  pins?: string[];
  /** Refs excluded by people or the plan file. An excluded ref never enters, even when pinned. Default `[]`. */
  excludes?: string[];
  /** The model's context window in tokens. Default `DEFAULT_CONTEXT_WINDOW` (8192). */
  contextWindow?: number;
  /** Output tokens reserved for the answer. Default `DEFAULT_OUTPUT_RESERVE` (1024). */
  maxTokens?: number | null;
}

/** Summaries written by a model (`summarize: llm`). The engine adapts an LLM provider to this. */
export interface LlmSummarizer {
  /** Identifies the model and prompt, part of the cache key. */
  readonly id: string;
  summarize(text: string, options: { query: string; maxTokens: number }): Promise<string>;
}

/** Embeddings for hybrid retrieval. */
export interface Embedder {
  /** Identifies the model, part of the cache key. */
  readonly id: string;
  embed(texts: string[]): Promise<number[][]>;
}

/** Embeddings by embedder id and sha256 of the embedded text. The engine backs it with storage. */
export interface EmbeddingCache {
  /** The vectors held among `hashes`, by hash. */
  get(embedder: string, hashes: string[]): Promise<Map<string, number[]>>;
  set(embedder: string, entries: Array<{ hash: string; vector: number[] }>): Promise<void>;
}

/** Key/value cache for LLM summaries, keyed by content hash. The engine backs it with storage. */
export interface ContentCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

export interface BuildDependencies {
  tokenizer: Tokenizer;
  /** Needed for `summarize: llm`; without it such items fall back to extractive summaries. */
  summarizer?: LlmSummarizer;
  /** Makes retrieval hybrid (BM25 + embeddings, reciprocal-rank fusion). Default none (BM25 only). */
  embedder?: Embedder;
  /** Caches LLM summaries by content hash. Default: an in-memory map for this call. */
  cache?: ContentCache;
  /** Caches embeddings by embedder and content hash. Default: an in-memory map for this call. */
  embeddings?: EmbeddingCache;
  /**
   * A retrieval index kept across bundles of one plan (one per plan, from `new RetrievalIndex()`): each
   * bundle brings it to exactly its candidates (setting what changed, removing what they lack), so the
   * result is the same as with a fresh index. Default: built for this call.
   */
  retrievalIndex?: RetrievalIndex;
  /** Most siblings listed (tier 6). Default 8. */
  siblingLimit?: number;
}

/** One candidate with its decision, in prompt order (entered items first, then dropped, then excluded). */
export interface BundleItem {
  ref: string;
  tier: Tier;
  /** 1 (pinned) … 7 (note). */
  tierRank: number;
  type: ItemType;
  title: string;
  /** How it qualified: `pinned`, `index`, `requires`, `refers`, `relates_to`, `retrieval #2`, `sibling`, `note`. */
  source: string;
  decision: Decision;
  /** Why: `pinned`, `included: …`, `summarized: …`, `trimmed: …`, `dropped: over budget`, `excluded by user`, … */
  reason: string;
  /** Tokens the item takes in the prompt, framing included; 0 when it does not enter. */
  tokens: number;
  /** Tokens the whole item would take, framing included. */
  fullTokens: number;
  /** The body exactly as it enters the prompt ("" when it does not enter). */
  text: string;
  /** sha256 of the item's full source text: a change of input shows even when the item was dropped. */
  contentHash: string;
}

export interface ContextBundle {
  task: string;
  /** sha256 (hex) over the canonical serialisation of the bundle. */
  hash: string;
  /** Tokens the items may take. */
  budget: number;
  /** Tokens the context section takes, counted whole; never above `budget`. */
  usedTokens: number;
  /** Tokens of the system message, instructions and task section (outside the budget). */
  promptTokens: number;
  items: BundleItem[];
  /** The context section exactly as it enters the user message. */
  contextText: string;
  /** sha256 of the task's system message and prompt, so a changed prompt changes the hash. */
  promptHash: string;
}
