import type { RouterOutputs } from "../../trpc/types.ts";

/**
 * What the Context tab derives from a task's preview, as plain functions: items grouped by tier, the
 * budget meter, and which steering buttons an item gets.
 */

export type ContextState = RouterOutputs["context"]["preview"];
export type ContextItem = ContextState["items"][number];
export type ContextTier = ContextItem["tier"];
export type ContextDecision = ContextItem["decision"];
export type SearchHit = RouterOutputs["context"]["search"][number];

/** Tiers in allocation order (highest first), with the heading each group gets. */
export const TIER_LABELS: Readonly<Record<ContextTier, string>> = {
  pinned: "Pinned",
  index: "INDEX",
  requires: "Required upstreams",
  refers: "Referred",
  retrieval: "Retrieved",
  sibling: "Plan siblings",
  note: "Notes",
};

export const DECISION_LABELS: Readonly<Record<ContextDecision, string>> = {
  full: "included",
  summarized: "summarized",
  trimmed: "trimmed",
  dropped: "dropped",
  excluded: "excluded",
};

export interface TierGroup {
  tier: ContextTier;
  label: string;
  items: ContextItem[];
  /** Tokens the group's items take in the prompt. */
  tokens: number;
}

/** The items by tier, highest tier first, each group in prompt order; empty tiers are left out. */
export function groupByTier(items: readonly ContextItem[]): TierGroup[] {
  return (Object.keys(TIER_LABELS) as ContextTier[])
    .map((tier) => {
      const inTier = items.filter((item) => item.tier === tier);
      return {
        tier,
        label: TIER_LABELS[tier],
        items: inTier,
        tokens: inTier.reduce((sum, item) => sum + item.tokens, 0),
      };
    })
    .filter((group) => group.items.length > 0);
}

export type MeterLevel = "ok" | "high" | "full";

export interface BudgetMeter {
  /** 0–100, for the bar's width. */
  percent: number;
  level: MeterLevel;
  /** `1,234 / 1,500 tokens`. */
  label: string;
}

/** From this share of the budget on, the meter warns. */
export const METER_HIGH_SHARE = 0.85;

const count = new Intl.NumberFormat("en-US");

/** The budget meter; a zero budget (everything dropped) shows as full. */
export function budgetMeter(usedTokens: number, budget: number): BudgetMeter {
  const share = budget > 0 ? Math.min(usedTokens / budget, 1) : 1;
  const level: MeterLevel = share >= 1 ? "full" : share >= METER_HIGH_SHARE ? "high" : "ok";
  return {
    percent: Math.round(share * 1000) / 10,
    level,
    label: `${count.format(usedTokens)} / ${count.format(budget)} tokens`,
  };
}

export interface ItemSteering {
  /** A person's override of the item, if any (the one Unpin removes). */
  override: "pin" | "exclude" | null;
  /** Set when the plan file pins or excludes it: the dashboard cannot undo that, the file must change. */
  planFile: "pin" | "exclude" | null;
  canPin: boolean;
  canExclude: boolean;
  canUnpin: boolean;
}

/** Which buttons an item gets: pin and exclude unless already so, unpin for a person's own override. */
export function steeringOf(ref: string, state: Pick<ContextState, "overrides" | "planFile">): ItemSteering {
  const override = state.overrides.find((o) => o.ref === ref)?.action ?? null;
  const planFile = state.planFile.exclude.includes(ref)
    ? "exclude"
    : state.planFile.pin.includes(ref)
      ? "pin"
      : null;
  const pinned = override === "pin" || (override === null && planFile === "pin");
  const excluded = override === "exclude" || planFile === "exclude";
  return {
    override,
    planFile,
    canPin: !pinned && !excluded,
    canExclude: !excluded,
    canUnpin: override !== null,
  };
}

/** `ref`s already in the preview, so the search can say an item is there (and how). */
export function decisionsByRef(items: readonly ContextItem[]): Map<string, ContextDecision> {
  return new Map(items.map((item) => [item.ref, item.decision]));
}

/** The first 12 characters of a hash, as the CLI prints them. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}
