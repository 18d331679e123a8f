import type { ElkNode } from "elkjs/lib/elk-api";
import type { GraphLink } from "./cycle-feedback.ts";

/** The size every task node is laid out with; the node component renders at this size. */
export const NODE_WIDTH = 208;
export const NODE_HEIGHT = 60;

export interface Position {
  x: number;
  y: number;
}

export interface LayoutInput {
  /** Task keys in plan order: ELK keeps the model order among equals, so the picture follows the file. */
  keys: string[];
  links: GraphLink[];
}

export type LayoutPositions = Record<string, Position>;

export interface LayoutRequest {
  id: number;
  input: LayoutInput;
}

export type LayoutResponse = { id: number; positions: LayoutPositions } | { id: number; error: string };

/** Past this many tasks, ELK spends less effort on crossing minimisation. */
const LARGE_GRAPH = 300;
/**
 * Past this many tasks, the plan is laid out by `layeredLayout` instead of ELK: ELK's layered algorithm took
 * 2 s for 1,000 tasks and 4 to 13 s for 5,000 on a 2-core machine; `layeredLayout` takes tens of ms.
 */
export const LAYERED_LAYOUT_FROM = 600;

/**
 * The ELK graph for a plan: a left-to-right layered layout. Only `requires` links shape the layers:
 * they are the execution order; `refers` links are context and may even point backwards.
 */
export function toElkGraph(input: LayoutInput): ElkNode {
  const known = new Set(input.keys);
  const large = input.keys.length > LARGE_GRAPH;
  return {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.edgeRouting": "SPLINES",
      "elk.spacing.nodeNode": "28",
      "elk.layered.spacing.nodeNodeBetweenLayers": "72",
      "elk.spacing.componentComponent": "48",
      "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
      "elk.layered.thoroughness": large ? "1" : "7",
      "elk.layered.nodePlacement.strategy": large ? "SIMPLE" : "BRANDES_KOEPF",
    },
    children: input.keys.map((key) => ({ id: key, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: input.links
      .filter((link) => link.kind === "requires" && known.has(link.from) && known.has(link.to))
      .map((link, index) => ({ id: `e${index}`, sources: [link.from], targets: [link.to] })),
  };
}

/** Top-left positions of the laid-out nodes, rounded so stored positions stay small and stable. */
export function positionsFromElk(graph: ElkNode): LayoutPositions {
  const positions: LayoutPositions = {};
  for (const child of graph.children ?? []) {
    positions[child.id] = { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) };
  }
  return positions;
}

/** Tasks whose stored position is missing: they need a layout before the canvas can show them. */
export function missingPositions(
  keys: readonly string[],
  stored: Readonly<Record<string, Position | null | undefined>>,
): string[] {
  return keys.filter((key) => stored[key] == null);
}
