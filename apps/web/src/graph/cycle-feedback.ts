import { type LinkKind, wouldCreateCycle } from "@taskloom/core";

export type { LinkKind };

export interface GraphLink {
  /** The upstream task. */
  from: string;
  /** The dependent task. */
  to: string;
  kind: LinkKind;
}

export type LinkCheck =
  | { ok: true }
  | { ok: false; reason: "self" | "duplicate" | "unknown-task"; message: string }
  | { ok: false; reason: "cycle"; cycle: string[]; message: string };

/** `["a", "b", "c", "a"]` → `a → b → c → a`, the form people read in the editor and the CLI's `->` alike. */
export function formatCycle(cycle: readonly string[]): string {
  return cycle.join(" → ");
}

/**
 * Whether a new link may be added, checked on the client for instant feedback while dragging; the server
 * checks again (another tab may have changed the plan meanwhile). Only `requires` links can close a cycle:
 * the other kinds feed context and may loop.
 */
export function checkNewLink(
  taskKeys: readonly string[],
  links: readonly GraphLink[],
  candidate: GraphLink,
): LinkCheck {
  const { from, to, kind } = candidate;
  if (from === to) {
    return { ok: false, reason: "self", message: `A task cannot ${kindVerb(kind)} itself.` };
  }
  if (!taskKeys.includes(from) || !taskKeys.includes(to)) {
    return { ok: false, reason: "unknown-task", message: "Both ends of a link must be tasks of this plan." };
  }
  if (links.some((link) => link.from === from && link.to === to)) {
    return { ok: false, reason: "duplicate", message: `\`${from}\` → \`${to}\` is already linked.` };
  }
  if (kind === "requires") {
    const edges = requiresEdges(links);
    const cycle = wouldCreateCycle(taskKeys, edges, from, to);
    if (cycle !== null) {
      return { ok: false, reason: "cycle", cycle, message: cycleMessage(cycle) };
    }
  }
  return { ok: true };
}

/** Changing a link's kind to `requires` can close a cycle too: check it as if it were new. */
export function checkKindChange(
  taskKeys: readonly string[],
  links: readonly GraphLink[],
  link: GraphLink,
  nextKind: LinkKind,
): LinkCheck {
  if (nextKind !== "requires") return { ok: true };
  const others = links.filter((other) => !(other.from === link.from && other.to === link.to));
  return checkNewLink(taskKeys, others, { ...link, kind: nextKind });
}

export function cycleMessage(cycle: readonly string[]): string {
  return `This link would close a cycle: ${formatCycle(cycle)}`;
}

/** The `requires` links as `[upstream, dependent]` pairs, the edge form of the core graph algorithms. */
export function requiresEdges(links: readonly GraphLink[]): [string, string][] {
  const edges: [string, string][] = [];
  for (const link of links) if (link.kind === "requires") edges.push([link.from, link.to]);
  return edges;
}

const KIND_VERBS: Readonly<Record<LinkKind, string>> = {
  requires: "require",
  refers: "refer to",
  duplicates: "duplicate",
  relates_to: "relate to",
};

function kindVerb(kind: LinkKind): string {
  return KIND_VERBS[kind];
}
