import { BadInputError } from "./errors.ts";

/**
 * Glossary (context engine)
 * -------------------------
 * - **item**: one piece of text a task may see in its prompt: the plan's INDEX, a task's output, a document
 *   or a note. Every item has a stable **ref** string (`index`, `task:<key>`, `doc:<key>`, `note:<key>`).
 * - **candidate**: an item that qualifies for a task's bundle through one of the tiers (pinned, INDEX,
 *   requires, refers, retrieval, sibling, note).
 * - **bundle**: the candidates after allocation, each with its decision (full, summarized, trimmed,
 *   dropped, excluded) and reason, in prompt order, with a sha256 over a canonical serialisation.
 * - **budget**: the number of tokens the bundle's items may take in the prompt, framing included.
 * - **override**: a person's pin or exclude of one ref for one task.
 */

export const ITEM_REF_KINDS = ["index", "task", "doc", "note"] as const;
export type ItemRefKind = (typeof ITEM_REF_KINDS)[number];

export type ItemRef = { kind: "index" } | { kind: "task" | "doc" | "note"; key: string };

/** Keys inside refs: the plan-file key alphabet, plus `.` and `/` so document keys can mirror paths. */
const REF_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/**
 * Parses `index`, `task:<key>`, `doc:<key>` or `note:<key>`.
 * @throws BadInputError with the offending text when it is none of those.
 */
export function parseItemRef(text: string): ItemRef {
  const trimmed = text.trim();
  if (trimmed === "index") return { kind: "index" };
  const colon = trimmed.indexOf(":");
  const kind = colon > 0 ? trimmed.slice(0, colon) : "";
  const key = trimmed.slice(colon + 1);
  if ((kind === "task" || kind === "doc" || kind === "note") && REF_KEY.test(key)) return { kind, key };
  throw new BadInputError(
    `invalid context item ref "${text}": expected index, task:<key>, doc:<key> or note:<key>`,
  );
}

export function formatItemRef(ref: ItemRef): string {
  return ref.kind === "index" ? "index" : `${ref.kind}:${ref.key}`;
}

/** True when `text` parses as an item ref. */
export function isItemRef(text: string): boolean {
  try {
    parseItemRef(text);
    return true;
  } catch {
    return false;
  }
}

/** Link kinds the context engine reads. Only `requires` gates execution. */
export const CONTEXT_LINK_KINDS = ["requires", "refers", "duplicates", "relates_to"] as const;
export type ContextLinkKind = (typeof CONTEXT_LINK_KINDS)[number];

export const SUMMARIZE_MODES = ["extractive", "llm", "off"] as const;
export type SummarizeMode = (typeof SUMMARIZE_MODES)[number];

/** A task's context policy, every default applied (`DEFAULT_CONTEXT_POLICY`). */
export interface ContextPolicy {
  /** Tokens the bundle may use, framing included. Default null: the model's window − prompt − maxTokens. */
  budget: number | null;
  /** Retrieval hits (tier 5). Default 5. */
  k: number;
  /** How an item that does not fit whole is shortened. Default `extractive` (query-focused). `off` trims. */
  summarize: SummarizeMode;
  include: {
    /** Tier 6, plan siblings in short form. Default true. */
    siblings: boolean;
    /** Tier 7, the plan's notes. Default true. */
    notes: boolean;
    /** Tier 5, BM25 (or hybrid) retrieval over the plan's outputs and documents. Default true. */
    retrieval: boolean;
  };
}

export const DEFAULT_CONTEXT_POLICY: ContextPolicy = {
  budget: null,
  k: 5,
  summarize: "extractive",
  include: { siblings: true, notes: true, retrieval: true },
};

/** Fills the defaults of a partial policy (as written in a plan file). */
export function resolveContextPolicy(
  partial: Partial<Omit<ContextPolicy, "include">> & { include?: Partial<ContextPolicy["include"]> } = {},
): ContextPolicy {
  return {
    budget: partial.budget ?? DEFAULT_CONTEXT_POLICY.budget,
    k: partial.k ?? DEFAULT_CONTEXT_POLICY.k,
    summarize: partial.summarize ?? DEFAULT_CONTEXT_POLICY.summarize,
    include: { ...DEFAULT_CONTEXT_POLICY.include, ...partial.include },
  };
}

/**
 * Counts tokens the way the model will. `packages/llm` implements it with gpt-tokenizer; the context
 * engine only sees this interface.
 */
export interface Tokenizer {
  /** Tokens of `text`. Special-token strings in the text count as ordinary text. */
  count(text: string): number;
  /** The longest prefix of `text` that is at most `maxTokens` tokens. */
  truncate(text: string, maxTokens: number): string;
}
