import { NODE_HEIGHT, NODE_WIDTH, type Position } from "./layout.ts";

const GAP = 24;

function overlaps(a: Position, b: Position): boolean {
  return Math.abs(a.x - b.x) < NODE_WIDTH + GAP && Math.abs(a.y - b.y) < NODE_HEIGHT + GAP;
}

/**
 * The free node position nearest to `wanted` (top-left corners), searched on a grid in rings around it, so
 * a new task lands where the person is looking without covering another one.
 */
export function freeSpotNear(wanted: Position, taken: readonly Position[], maxRings = 12): Position {
  const stepX = NODE_WIDTH + GAP;
  const stepY = NODE_HEIGHT + GAP;
  const near = taken.filter(
    (position) =>
      Math.abs(position.x - wanted.x) < stepX * (maxRings + 1) &&
      Math.abs(position.y - wanted.y) < stepY * (maxRings + 1),
  );
  for (let ring = 0; ring <= maxRings; ring++) {
    for (let dy = -ring; dy <= ring; dy++) {
      for (let dx = -ring; dx <= ring; dx++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
        const candidate = { x: Math.round(wanted.x + dx * stepX), y: Math.round(wanted.y + dy * stepY) };
        if (!near.some((position) => overlaps(candidate, position))) return candidate;
      }
    }
  }
  return { x: Math.round(wanted.x), y: Math.round(wanted.y) };
}

/** Horizontal room between a task and one it requires: the link must stay visible between them. */
const LINK_ROOM = 80;

/**
 * Where a new task goes when it requires others: to the right of the rightmost of them, at their average
 * height (links run left to right), or null when it requires none that is placed.
 */
export function spotAfter(required: readonly Position[]): Position | null {
  if (required.length === 0) return null;
  const right = Math.max(...required.map((position) => position.x));
  const y = required.reduce((sum, position) => sum + position.y, 0) / required.length;
  return { x: right + NODE_WIDTH + LINK_ROOM, y };
}
