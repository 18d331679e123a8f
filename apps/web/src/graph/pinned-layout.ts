import type { GraphLink } from "./cycle-feedback.ts";
import { freeSpotNear } from "./free-spot.ts";
import { type LayoutPositions, NODE_HEIGHT, NODE_WIDTH, type Position } from "./layout.ts";

/** The `requires` links in `next` that `previous` did not have. */
export function newRequiresLinks(previous: readonly GraphLink[], next: readonly GraphLink[]): GraphLink[] {
  const known = new Set(previous.filter((link) => link.kind === "requires").map((l) => `${l.from}->${l.to}`));
  return next.filter((link) => link.kind === "requires" && !known.has(`${link.from}->${link.to}`));
}

function overlaps(a: Position, b: Position): boolean {
  return Math.abs(a.x - b.x) < NODE_WIDTH && Math.abs(a.y - b.y) < NODE_HEIGHT;
}

/**
 * A layout that leaves the tasks placed by hand (`pinned`, with their current positions) where they are:
 * they are left out of it, and a laid-out task that would land on one of them goes to the nearest free spot.
 */
export function keepPinned(
  laidOut: Readonly<LayoutPositions>,
  pinned: Readonly<LayoutPositions>,
  freeSpot: typeof freeSpotNear = freeSpotNear,
): LayoutPositions {
  const pinnedPositions = Object.values(pinned);
  const result: LayoutPositions = {};
  const clashing: string[] = [];
  for (const [key, position] of Object.entries(laidOut)) {
    if (pinned[key] !== undefined) continue;
    result[key] = position;
    if (pinnedPositions.some((other) => overlaps(position, other))) clashing.push(key);
  }
  for (const key of clashing) {
    const wanted = result[key];
    if (wanted === undefined) continue;
    const taken = [
      ...pinnedPositions,
      ...Object.entries(result)
        .filter(([k]) => k !== key)
        .map(([, p]) => p),
    ];
    result[key] = freeSpot(wanted, taken);
  }
  return result;
}
