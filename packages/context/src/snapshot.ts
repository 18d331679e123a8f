import type { BundleItem, ContextBundle, Decision, Tier } from "./types.ts";
import { entersPrompt } from "./types.ts";

/**
 * What an attempt saw, in the shape the store keeps (`ContextSnapshot`): the hash, every item in prompt
 * order with its decision and reason, the budget and the totals. Texts are kept so a task can be replayed
 * with exactly the same context.
 */
export interface SnapshotItem {
  ref: string;
  tier: Tier;
  tokens: number;
  fullTokens: number;
  decision: Decision;
  reason: string;
  contentHash: string;
  text: string;
}

export interface ContextSnapshot {
  hash: string;
  task: string;
  budget: number;
  usedTokens: number;
  promptTokens: number;
  promptHash: string;
  items: SnapshotItem[];
  totals: {
    candidates: number;
    full: number;
    summarized: number;
    trimmed: number;
    dropped: number;
    excluded: number;
    /** Tokens of every candidate whole (what a bundle without a budget would take). */
    fullTokens: number;
  };
}

export function toSnapshot(bundle: ContextBundle): ContextSnapshot {
  const count = (decision: Decision) => bundle.items.filter((item) => item.decision === decision).length;
  return {
    hash: bundle.hash,
    task: bundle.task,
    budget: bundle.budget,
    usedTokens: bundle.usedTokens,
    promptTokens: bundle.promptTokens,
    promptHash: bundle.promptHash,
    items: bundle.items.map(snapshotItem),
    totals: {
      candidates: bundle.items.length,
      full: count("full"),
      summarized: count("summarized"),
      trimmed: count("trimmed"),
      dropped: count("dropped"),
      excluded: count("excluded"),
      fullTokens: bundle.items.reduce((sum, item) => sum + item.fullTokens, 0),
    },
  };
}

function snapshotItem(item: BundleItem): SnapshotItem {
  const { ref, tier, tokens, fullTokens, decision, reason, contentHash, text } = item;
  return { ref, tier, tokens, fullTokens, decision, reason, contentHash, text };
}

export type SnapshotChange = "tier" | "decision" | "text" | "source";

export interface SnapshotItemDiff {
  ref: string;
  changes: SnapshotChange[];
  before: Pick<SnapshotItem, "tier" | "decision" | "tokens">;
  after: Pick<SnapshotItem, "tier" | "decision" | "tokens">;
  tokenDelta: number;
}

export interface SnapshotDiff {
  identical: boolean;
  /** Entered the prompt in `b` but not in `a`. */
  added: SnapshotItem[];
  /** Entered the prompt in `a` but not in `b`. */
  removed: SnapshotItem[];
  /** Entered both prompts, differently. `source` means the item's input changed (its content hash). */
  changed: SnapshotItemDiff[];
  unchanged: number;
  budget: { before: number; after: number; delta: number };
  usedTokens: { before: number; after: number; delta: number };
  promptChanged: boolean;
}

/** What changed from snapshot `a` to snapshot `b`, over the items that entered each prompt. */
export function diffSnapshots(
  a: Pick<ContextSnapshot, "hash" | "budget" | "usedTokens" | "items" | "promptHash">,
  b: Pick<ContextSnapshot, "hash" | "budget" | "usedTokens" | "items" | "promptHash">,
): SnapshotDiff {
  const entered = (items: SnapshotItem[]) =>
    new Map(items.filter((i) => entersPrompt(i.decision)).map((i) => [i.ref, i]));
  const before = entered(a.items);
  const after = entered(b.items);
  const added = [...after.values()].filter((item) => !before.has(item.ref));
  const removed = [...before.values()].filter((item) => !after.has(item.ref));
  const changed: SnapshotItemDiff[] = [];
  let unchanged = 0;
  for (const [ref, old] of before) {
    const now = after.get(ref);
    if (!now) continue;
    const changes: SnapshotChange[] = [];
    if (old.tier !== now.tier) changes.push("tier");
    if (old.decision !== now.decision) changes.push("decision");
    if (old.text !== now.text) changes.push("text");
    if (old.contentHash !== now.contentHash) changes.push("source");
    if (changes.length === 0) {
      unchanged++;
      continue;
    }
    const pick = (item: SnapshotItem) => ({ tier: item.tier, decision: item.decision, tokens: item.tokens });
    changed.push({ ref, changes, before: pick(old), after: pick(now), tokenDelta: now.tokens - old.tokens });
  }
  return {
    identical: a.hash === b.hash,
    added,
    removed,
    changed,
    unchanged,
    budget: { before: a.budget, after: b.budget, delta: b.budget - a.budget },
    usedTokens: { before: a.usedTokens, after: b.usedTokens, delta: b.usedTokens - a.usedTokens },
    promptChanged: a.promptHash !== b.promptHash,
  };
}

export interface ApprovalCheck {
  /** True when the bundle built now is exactly the approved one: the run may use the approved snapshot. */
  upToDate: boolean;
  /** What changed since the approval (empty when up to date), for the monitor to show. */
  diff: SnapshotDiff;
}

/**
 * Compares an approved snapshot with the bundle its task would get now. The hash covers every
 * candidate's content hash, the budget and the prompt, so any change of input shows, even of an item
 * that was dropped.
 */
export function checkApproval(approved: ContextSnapshot, current: ContextBundle): ApprovalCheck {
  const diff = diffSnapshots(approved, toSnapshot(current));
  return { upToDate: approved.hash === current.hash, diff };
}

/** The document `taskloom context TASK --json` prints (and the API's preview returns). */
export interface ContextPreview {
  task: string;
  plan: string;
  hash: string;
  budget: number;
  usedTokens: number;
  promptTokens: number;
  items: Array<
    Pick<
      BundleItem,
      "ref" | "tier" | "type" | "title" | "source" | "tokens" | "fullTokens" | "decision" | "reason" | "text"
    >
  >;
  /** The whole compiled prompt (`compilePrompt(...).text`). */
  prompt: string;
}

export function contextPreview(bundle: ContextBundle, plan: string, prompt: string): ContextPreview {
  return {
    task: bundle.task,
    plan,
    hash: bundle.hash,
    budget: bundle.budget,
    usedTokens: bundle.usedTokens,
    promptTokens: bundle.promptTokens,
    items: bundle.items.map(
      ({ ref, tier, type, title, source, tokens, fullTokens, decision, reason, text }) => ({
        ref,
        tier,
        type,
        title,
        source,
        tokens,
        fullTokens,
        decision,
        reason,
        text,
      }),
    ),
    prompt,
  };
}
