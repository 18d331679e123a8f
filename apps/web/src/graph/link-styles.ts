import { LINK_KINDS, type LinkKind } from "@taskloom/core";

/** How a link kind is drawn and named on the canvas, in its legend and in its menu. */
export interface LinkKindStyle {
  label: string;
  /** What the link means, in the legend's words. */
  meaning: string;
  stroke: string;
  /** SVG `stroke-dasharray`; none for a solid line. */
  dash: string | undefined;
  /** Only `requires` orders execution, so only it gets an arrowhead. */
  arrow: boolean;
}

/**
 * One distinct stroke per kind: solid with an arrow for execution order, and three context-only kinds told
 * apart by dash pattern as well as colour (so they stay distinct without colour vision and in the overview).
 */
export const LINK_KIND_STYLES: Readonly<Record<LinkKind, LinkKindStyle>> = {
  requires: { label: "requires", meaning: "runs after it", stroke: "#64748b", dash: undefined, arrow: true },
  refers: { label: "refers", meaning: "reads its output", stroke: "#94a3b8", dash: "6 5", arrow: false },
  duplicates: {
    label: "duplicates",
    meaning: "repeats its output",
    stroke: "#d97706",
    dash: "1.5 4",
    arrow: false,
  },
  relates_to: {
    label: "relates to",
    meaning: "is related to it",
    stroke: "#7c3aed",
    dash: "10 4 2 4",
    arrow: false,
  },
};

/** The kinds among `links`, in `LINK_KINDS` order: what a read-only canvas's legend lists. */
export function kindsIn(links: readonly { kind: LinkKind }[]): LinkKind[] {
  const present = new Set(links.map((link) => link.kind));
  return LINK_KINDS.filter((kind) => present.has(kind));
}
