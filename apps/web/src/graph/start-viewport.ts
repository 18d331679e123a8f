/**
 * The viewport a plan opens at: the whole graph when it fits at a readable zoom, otherwise the readable zoom
 * with the start of the graph (its leftmost column, where the run begins) in view. Fitting a big plan instead
 * shrinks node text below what anyone can read (a 40-task plan fitted at 1280×800 is at zoom 0.48, 6 px text).
 */

export interface NodeBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export interface StartViewportOptions {
  /** The smallest zoom at which node text stays readable (12 px text shows at about 10 px). Default 0.8. */
  readableZoom?: number;
  /** The largest zoom a small plan is blown up to. Default 1.25. */
  maxZoom?: number;
  /** Screen pixels kept free around the graph. Default 32. */
  padding?: number;
  /** Screen pixels kept free at the bottom, where the minimap and the zoom controls sit. Default 0. */
  bottomBand?: number;
}

export function startViewport(
  nodes: readonly NodeBox[],
  width: number,
  height: number,
  { readableZoom = 0.8, maxZoom = 1.25, padding = 32, bottomBand = 0 }: StartViewportOptions = {},
): Viewport {
  if (nodes.length === 0 || width <= 0 || height <= 0) return { x: 0, y: 0, zoom: 1 };
  const minX = Math.min(...nodes.map((n) => n.x));
  const minY = Math.min(...nodes.map((n) => n.y));
  const maxX = Math.max(...nodes.map((n) => n.x + n.width));
  const maxY = Math.max(...nodes.map((n) => n.y + n.height));
  const usableWidth = Math.max(width - 2 * padding, 1);
  const usableHeight = Math.max(height - 2 * padding - bottomBand, 1);
  const fit = Math.min(
    usableWidth / Math.max(maxX - minX, 1),
    usableHeight / Math.max(maxY - minY, 1),
    maxZoom,
  );
  const zoom = Math.max(fit, readableZoom);
  const centre = (low: number, high: number, size: number) => padding + size / 2 - ((low + high) / 2) * zoom;

  const fitsWide = (maxX - minX) * zoom <= usableWidth;
  const fitsHigh = (maxY - minY) * zoom <= usableHeight;
  const x = fitsWide ? centre(minX, maxX, usableWidth) : padding - minX * zoom;
  if (fitsHigh) return { x, y: centre(minY, maxY, usableHeight), zoom };
  // Too tall: centre on the start column (the nodes within one node width of the left edge), kept inside.
  const first = nodes.filter((n) => n.x < minX + n.width);
  const startLow = Math.min(...first.map((n) => n.y));
  const startHigh = Math.max(...first.map((n) => n.y + n.height));
  const y = Math.min(centre(startLow, startHigh, usableHeight), padding - minY * zoom);
  return { x, y, zoom };
}
