import type { OverviewEdge, OverviewNode, Transform } from "./graph-overview.ts";
import { NODE_HEIGHT, NODE_WIDTH } from "./layout.ts";

/**
 * What React Flow is given of a big plan: the nodes and edges around the viewport, not all of them. React
 * Flow only renders the visible ones (onlyRenderVisibleElements), but it still adopts, indexes and scans
 * every node and edge it holds on each update (5,000 nodes and edges: several hundred milliseconds per
 * `setNodes`, and tens per store change while panning). Holding the window instead makes that work
 * proportional to what is on screen. The window is the view grown by `WINDOW_MARGIN` on every side, so that
 * a pan redraws from nodes React Flow already has; it moves when the view leaves it.
 */

/** A rectangle in flow coordinates. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How much of the view's size the window adds on each side: 0.5 makes it twice as wide and high. */
export const WINDOW_MARGIN = 0.5;
/** Grid cells of the node index, in flow units: a few nodes wide, so a query visits few cells. */
const CELL = 1024;

/** The part of the flow on screen for a React Flow transform and a canvas of `width` × `height` pixels. */
export function viewRect([x, y, zoom]: Transform, width: number, height: number): Rect {
  return { x: -x / zoom, y: -y / zoom, width: width / zoom, height: height / zoom };
}

/** `rect` grown by `margin` times its size on every side. */
export function grow(rect: Rect, margin: number): Rect {
  return {
    x: rect.x - rect.width * margin,
    y: rect.y - rect.height * margin,
    width: rect.width * (1 + 2 * margin),
    height: rect.height * (1 + 2 * margin),
  };
}

export function contains(outer: Rect, inner: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

/**
 * Whether the window around `current` should be recomputed for the view `view`: the view left it, or it
 * zoomed in so far that the window holds four times the nodes it needs.
 */
export function windowIsStale(current: Rect | null, view: Rect): boolean {
  if (current === null || !contains(current, view)) return true;
  return view.width * (1 + 2 * WINDOW_MARGIN) * 2 < current.width;
}

const overlaps = (position: { x: number; y: number }, rect: Rect) =>
  position.x < rect.x + rect.width &&
  position.x + NODE_WIDTH > rect.x &&
  position.y < rect.y + rect.height &&
  position.y + NODE_HEIGHT > rect.y;

export interface NodeIndex<N extends OverviewNode> {
  /** The nodes whose box overlaps `rect`, in plan order within each grid cell. */
  inRect(rect: Rect): N[];
  /** How many nodes overlap `rect`, counting up to `limit` (then it stops). */
  countInRect(rect: Rect, limit: number): number;
}

/** The nodes bucketed in a uniform grid, so that the nodes in a rectangle are found without a scan of all. */
export function createNodeIndex<N extends OverviewNode>(nodes: readonly N[]): NodeIndex<N> {
  const cells = new Map<string, N[]>();
  for (const node of nodes) {
    const key = `${Math.floor(node.position.x / CELL)},${Math.floor(node.position.y / CELL)}`;
    const cell = cells.get(key);
    if (cell) cell.push(node);
    else cells.set(key, [node]);
  }
  /** Calls `visit` with each cell that may hold a node overlapping `rect`; stops when it returns false. */
  const eachCell = (rect: Rect, visit: (cell: readonly N[]) => boolean) => {
    // A node overlaps from up to its size above and to the left of the rectangle.
    const left = Math.floor((rect.x - NODE_WIDTH) / CELL);
    const top = Math.floor((rect.y - NODE_HEIGHT) / CELL);
    const right = Math.floor((rect.x + rect.width) / CELL);
    const bottom = Math.floor((rect.y + rect.height) / CELL);
    if ((right - left + 1) * (bottom - top + 1) > cells.size) {
      // Zoomed far out: fewer cells hold nodes than the rectangle spans.
      for (const [key, cell] of cells) {
        const [cx = 0, cy = 0] = key.split(",").map(Number);
        if (cx >= left && cx <= right && cy >= top && cy <= bottom && !visit(cell)) return;
      }
      return;
    }
    for (let cx = left; cx <= right; cx++) {
      for (let cy = top; cy <= bottom; cy++) {
        const cell = cells.get(`${cx},${cy}`);
        if (cell && !visit(cell)) return;
      }
    }
  };
  return {
    inRect(rect) {
      const found: N[] = [];
      eachCell(rect, (cell) => {
        for (const node of cell) if (overlaps(node.position, rect)) found.push(node);
        return true;
      });
      return found;
    },
    countInRect(rect, limit) {
      let count = 0;
      eachCell(rect, (cell) => {
        for (const node of cell) {
          if (overlaps(node.position, rect) && ++count >= limit) return false;
        }
        return true;
      });
      return count;
    },
  };
}

/**
 * The nodes and edges of the window `rect`: every node overlapping it, every edge whose span (from its
 * source's right side to its target's left side) overlaps it, with both of that edge's ends (React Flow
 * draws an edge only between nodes it holds; the far end is off screen and does not render), and the nodes
 * `keep` says to keep (the selection: a selected node stays deletable and draggable wherever it is).
 */
export function windowOf<N extends OverviewNode, E extends OverviewEdge>(
  graph: { nodes: readonly N[]; edges: readonly E[]; index: NodeIndex<N>; byId: ReadonlyMap<string, N> },
  rect: Rect,
  keep: (node: N) => boolean,
): { nodes: N[]; edges: E[] } {
  const { index, byId, edges } = graph;
  const nodes = new Set(index.inRect(rect));
  const shownEdges: E[] = [];
  const right = rect.x + rect.width;
  const bottom = rect.y + rect.height;
  for (const edge of edges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) continue;
    const x1 = source.position.x + NODE_WIDTH;
    const x2 = target.position.x;
    const y1 = source.position.y + NODE_HEIGHT / 2;
    const y2 = target.position.y + NODE_HEIGHT / 2;
    if (
      Math.min(x1, x2) <= right &&
      Math.max(x1, x2) >= rect.x &&
      Math.min(y1, y2) <= bottom &&
      Math.max(y1, y2) >= rect.y
    ) {
      shownEdges.push(edge);
      nodes.add(source);
      nodes.add(target);
    }
  }
  // In plan order (the keyboard's order through the nodes), whatever order the index found them in.
  return { nodes: graph.nodes.filter((node) => nodes.has(node) || keep(node)), edges: shownEdges };
}

/**
 * How many nodes a window mounts per step when it starts from none (the plan opens, the view leaves the
 * overview): mounting up to `MAX_DOM_NODES` task nodes, their handles and edges at once is one long task;
 * a few dozen per frame keep each task short.
 */
export const MOUNT_STEP = 40;

/**
 * The first `limit` nodes of a window, those in `view` before those in its margin (so that the screen fills
 * first), kept in plan order, with the edges whose two ends are among them.
 */
export function firstOfWindow<N extends OverviewNode, E extends OverviewEdge>(
  shown: { nodes: N[]; edges: E[] },
  view: Rect,
  limit: number,
): { nodes: N[]; edges: E[] } {
  if (shown.nodes.length <= limit) return shown;
  const inView = shown.nodes.filter((node) => overlaps(node.position, view));
  const taken = new Set(inView.slice(0, limit));
  for (const node of shown.nodes) {
    if (taken.size >= limit) break;
    taken.add(node);
  }
  const ids = new Set([...taken].map((node) => node.id));
  return {
    nodes: shown.nodes.filter((node) => taken.has(node)),
    edges: shown.edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target)),
  };
}
