/**
 * The viewport that fits a graph, computed from the document before anything is drawn.
 * Opening a big pipeline at this viewport at once (instead of xyflow's fitView, which waits
 * for every node to be measured at zoom 1) means nodes are mounted once: with
 * `onlyRenderVisibleElements`, a zoom-1 first pass would mount them, cull most, then remount
 * them all after fitting.
 */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const NODE_WIDTH = 220; // .fnode width in styles.css
const HEAD = 34;
const ROW = 21;

/** A node's drawn size, estimated from its port rows (exact enough for fitting). */
export function estimateSize(inputs: number, outputs: number): { width: number; height: number } {
  return { width: NODE_WIDTH, height: HEAD + ROW * Math.max(inputs, outputs, 1) + 8 };
}

export function fitViewport(
  boxes: readonly Box[],
  pane: { width: number; height: number },
  opts: { padding: number; minZoom: number; maxZoom: number },
): { x: number; y: number; zoom: number } {
  if (!boxes.length || pane.width <= 0 || pane.height <= 0) return { x: 0, y: 0, zoom: 1 };
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const b of boxes) {
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.width);
    y1 = Math.max(y1, b.y + b.height);
  }
  const w = x1 - x0, h = y1 - y0;
  const raw = Math.min(pane.width / (w * (1 + 2 * opts.padding)), pane.height / (h * (1 + 2 * opts.padding)));
  const zoom = Math.min(opts.maxZoom, Math.max(opts.minZoom, raw));
  return { x: pane.width / 2 - (x0 + w / 2) * zoom, y: pane.height / 2 - (y0 + h / 2) * zoom, zoom };
}
