/**
 * A picture of the canvas for drag-panning a big pipeline zoomed far out.
 *
 * Moving xyflow's viewport over ~500 node divs and ~600 edge SVGs makes Chromium re-layerize
 * every one of them on every pan step (its transform is a translate plus a scale, which the
 * compositor cannot move on its own). While such a pan lasts the canvas shows one <canvas>
 * instead, drawn when the pan starts from what the page shows at that moment (node boxes,
 * borders, titles, badges, error blocks and edge paths with their computed styles; handles
 * are left out, as the canvas hides them whenever a far view moves), and hides the node and
 * edge layers; see Canvas.tsx and `.is-snapshot` in styles.css.
 *
 * Reading (`readScene`, from the DOM) and drawing (`drawScene`, onto any 2D context) are
 * separate, so the drawing can be checked without a browser.
 */

/** A rectangle in flow coordinates. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Stroke {
  color: string;
  width: number;
  /** "solid", "dashed" or "dotted" (CSS border styles; SVG dash arrays map to "dashed"). */
  style: string;
}

export interface SceneBlock extends Rect {
  fill: string;
  radius: number;
  text?: { value: string; font: string; color: string; x: number };
}

export interface SceneNode extends Rect {
  fill: string;
  radius: number;
  border: Stroke;
  /** An outer ring (the selected node's box-shadow), if any. */
  ring: { color: string; width: number } | null;
  opacity: number;
  /** The line under the node's head, y in flow coordinates. */
  divider: { y: number; color: string; width: number } | null;
  title: { value: string; font: string; color: string; x: number; y: number } | null;
  blocks: SceneBlock[];
}

export interface SceneEdge {
  d: string;
  stroke: Stroke;
}

export interface Scene {
  nodes: SceneNode[];
  edges: SceneEdge[];
  /** What the nodes and edges cover, in flow coordinates (null when empty). */
  bounds: Rect | null;
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** Enough of xyflow's internal node for its drawn box. */
export interface PlacedNode {
  internals: { positionAbsolute: { x: number; y: number } };
  measured: { width?: number; height?: number };
}

/**
 * The part of the scene worth drawing: its bounds cut to the pane's visible area plus one pane
 * size on each side (a single drag rarely carries the view further), so a large pipeline at a
 * moderate zoom does not ask for a canvas of tens of thousands of pixels.
 */
export function snapshotRegion(bounds: Rect | null, view: Viewport, pane: { width: number; height: number }): Rect | null {
  if (!bounds || view.zoom <= 0 || pane.width <= 0 || pane.height <= 0) return null;
  const vw = pane.width / view.zoom, vh = pane.height / view.zoom;
  const vx = -view.x / view.zoom, vy = -view.y / view.zoom;
  const x0 = Math.max(bounds.x, vx - vw), y0 = Math.max(bounds.y, vy - vh);
  const x1 = Math.min(bounds.x + bounds.w, vx + 2 * vw), y1 = Math.min(bounds.y + bounds.h, vy + 2 * vh);
  if (x1 <= x0 || y1 <= y0) return null;
  return { x: Math.floor(x0), y: Math.floor(y0), w: Math.ceil(x1 - x0) + 1, h: Math.ceil(y1 - y0) + 1 };
}

/** Parses a computed `box-shadow` of the form "<color> 0px 0px 0px <spread>px" (a ring). */
export function parseRing(boxShadow: string): { color: string; width: number } | null {
  if (!boxShadow || boxShadow === "none") return null;
  const m = /^(rgba?\([^)]*\)|#[0-9a-f]+|[a-z]+)\s+0px\s+0px\s+0px\s+([\d.]+)px/i.exec(boxShadow.trim());
  if (!m) return null;
  const width = parseFloat(m[2]);
  return width > 0 ? { color: m[1], width } : null;
}

function isVisibleColor(c: string): boolean {
  return !!c && c !== "transparent" && !/^rgba\([^)]*,\s*0\)$/.test(c);
}

function fontOf(s: CSSStyleDeclaration): string {
  return `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
}

/** Every coordinate pair in an SVG path's data (xyflow's edge paths use absolute M/L/C/Q only). */
function pathPoints(d: string): number[] {
  return (d.match(/-?\d*\.?\d+(?:e[-+]?\d+)?/gi) ?? []).map(Number);
}

function boundsOf(nodes: SceneNode[], edges: SceneEdge[]): Rect | null {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const n of nodes) {
    const ring = n.ring?.width ?? 0;
    // An unclipped title may run past the node's right edge (estimated, at most 0.7 em a letter).
    const size = n.title ? parseFloat(/([\d.]+)px/.exec(n.title.font)?.[1] ?? "0") : 0;
    const text = n.title ? n.title.x + n.title.value.length * size * 0.7 : 0;
    x0 = Math.min(x0, n.x - ring);
    y0 = Math.min(y0, n.y - ring);
    x1 = Math.max(x1, n.x + n.w + ring, text);
    y1 = Math.max(y1, n.y + n.h + ring);
  }
  // A Bézier curve stays inside its control points' hull, so their box contains the edge.
  for (const e of edges) {
    const v = pathPoints(e.d);
    for (let i = 0; i + 1 < v.length; i += 2) {
      x0 = Math.min(x0, v[i]);
      x1 = Math.max(x1, v[i]);
      y0 = Math.min(y0, v[i + 1]);
      y1 = Math.max(y1, v[i + 1]);
    }
  }
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
}

/**
 * Computed styles and in-node offsets, read once per distinct class list (or node layout)
 * instead of once per element: at 500 nodes and 600 edges the per-element reads took ~40 ms,
 * all of it at the first step of a pan.
 */
class Reader {
  private styles = new Map<string, unknown>();

  style<T>(key: string, el: Element, pick: (s: CSSStyleDeclaration) => T): T {
    let v = this.styles.get(key) as T | undefined;
    if (v === undefined) {
      v = pick(getComputedStyle(el));
      this.styles.set(key, v);
    }
    return v;
  }
}

interface BoxLook {
  fill: string;
  radius: number;
  border: Stroke;
  ring: SceneNode["ring"];
  opacity: number;
}

interface HeadLook {
  divider: { y: number; color: string; width: number } | null;
  title: { font: string; color: string; x: number; y: number } | null;
}

/**
 * What the canvas under `root` shows now: every xyflow node (placed by xyflow's own positions
 * and measured sizes) and edge path, styled as computed by the page's CSS. Elements CSS hides
 * (`visibility: hidden` at far zoom) are left out, as on the page.
 */
export function readScene(root: HTMLElement, lookup: (id: string) => PlacedNode | undefined): Scene {
  const r = new Reader();
  const nodes: SceneNode[] = [];
  for (const el of root.querySelectorAll<HTMLElement>(".react-flow__node")) {
    const placed = lookup(el.dataset.id ?? "");
    const box = el.firstElementChild as HTMLElement | null;
    const w = placed?.measured.width, h = placed?.measured.height;
    if (!placed || !box || !w || !h) continue;
    const { x, y } = placed.internals.positionAbsolute;
    const look = r.style<BoxLook>(`box ${box.className}`, box, (s) => ({
      fill: s.backgroundColor,
      radius: parseFloat(s.borderTopLeftRadius) || 0,
      border: { color: s.borderTopColor, width: parseFloat(s.borderTopWidth) || 0, style: s.borderTopStyle },
      ring: parseRing(s.boxShadow),
      opacity: parseFloat(s.opacity) || 1,
    }));
    const node: SceneNode = { x, y, w, h, ...look, divider: null, title: null, blocks: [] };
    const head = box.firstElementChild as HTMLElement | null;
    const title = head?.firstElementChild as HTMLElement | null;
    if (head?.classList.contains("fnode-head") && title) {
      // The head's layout is the same for nodes with the same classes and the same badges.
      const badges = [...head.children].slice(1);
      const key = `head ${box.className}|${badges.map((b) => b.className).join(",")}`;
      const hl = r.style<HeadLook>(key, head, (hs) => {
        const width = parseFloat(hs.borderBottomWidth) || 0;
        const ts = getComputedStyle(title);
        return {
          divider: width && hs.borderBottomStyle !== "none" ? { y: head.offsetTop + head.offsetHeight - width / 2, color: hs.borderBottomColor, width } : null,
          title: ts.visibility === "hidden" ? null : { font: fontOf(ts), color: ts.color, x: title.offsetLeft, y: title.offsetTop + title.offsetHeight / 2 },
        };
      });
      if (hl.divider) node.divider = { ...hl.divider, y: y + hl.divider.y };
      if (hl.title) node.title = { ...hl.title, value: title.textContent ?? "", x: x + hl.title.x, y: y + hl.title.y };
      const blocks: HTMLElement[] = badges as HTMLElement[];
      const last = box.lastElementChild as HTMLElement;
      if (last.classList.contains("fnode-errors")) blocks.push(last);
      for (const b of blocks) {
        const bs = r.style(`block ${box.className}|${b.className}`, b, (s) => ({
          hidden: s.visibility === "hidden" || s.display === "none",
          fill: s.backgroundColor,
          radius: parseFloat(s.borderTopLeftRadius) || 0,
          font: fontOf(s),
          color: s.color,
          pad: parseFloat(s.paddingLeft) || 0,
        }));
        if (bs.hidden) continue;
        const block: SceneBlock = { x: x + b.offsetLeft, y: y + b.offsetTop, w: b.offsetWidth, h: b.offsetHeight, fill: bs.fill, radius: bs.radius };
        if (b.classList.contains("badge")) block.text = { value: b.textContent ?? "", font: bs.font, color: bs.color, x: block.x + bs.pad };
        node.blocks.push(block);
      }
    }
    nodes.push(node);
  }
  const edges: SceneEdge[] = [];
  for (const p of root.querySelectorAll<SVGPathElement>(".react-flow__edge-path")) {
    const d = p.getAttribute("d");
    if (!d) continue;
    const st = r.style(`edge ${p.parentElement?.getAttribute("class")}|${p.getAttribute("class")}|${p.getAttribute("style") ?? ""}`, p, (s) => ({
      hidden: s.visibility === "hidden" || s.display === "none" || !isVisibleColor(s.stroke),
      stroke: { color: s.stroke, width: parseFloat(s.strokeWidth) || 1, style: s.strokeDasharray && s.strokeDasharray !== "none" ? "dashed" : "solid" },
    }));
    if (!st.hidden) edges.push({ d, stroke: st.stroke });
  }
  return { nodes, edges, bounds: boundsOf(nodes, edges) };
}

/** The 2D-context calls drawScene makes (a CanvasRenderingContext2D has them all). */
export type Ctx = Pick<
  CanvasRenderingContext2D,
  | "save" | "restore" | "setTransform" | "clearRect" | "beginPath" | "moveTo" | "lineTo" | "roundRect" | "fill" | "stroke"
  | "fillText" | "setLineDash" | "fillStyle" | "strokeStyle" | "lineWidth" | "globalAlpha" | "font" | "textBaseline"
> & { stroke(path?: Path2D): void };

function dash(style: string, width: number): number[] {
  if (style === "dashed") return [width * 3, width * 2];
  if (style === "dotted") return [width, width * 1.5];
  return [];
}

/**
 * Draws `scene` onto a context whose pixels cover `region` (flow coordinates) at `scale`
 * pixels per flow unit: edges first, then nodes in document order, as xyflow stacks them.
 */
export function drawScene(ctx: Ctx, scene: Scene, region: Rect, scale: number, path: (d: string) => Path2D): void {
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, Math.ceil(region.w * scale), Math.ceil(region.h * scale));
  ctx.setTransform(scale, 0, 0, scale, -region.x * scale, -region.y * scale);
  for (const e of scene.edges) {
    ctx.strokeStyle = e.stroke.color;
    ctx.lineWidth = e.stroke.width;
    ctx.setLineDash(dash(e.stroke.style, e.stroke.width));
    ctx.stroke(path(e.d));
  }
  ctx.textBaseline = "middle";
  for (const n of scene.nodes) {
    if (n.x > region.x + region.w || n.y > region.y + region.h || n.x + n.w < region.x || n.y + n.h < region.y) continue;
    ctx.globalAlpha = n.opacity;
    if (n.ring) {
      ctx.beginPath();
      ctx.roundRect(n.x - n.ring.width, n.y - n.ring.width, n.w + 2 * n.ring.width, n.h + 2 * n.ring.width, n.radius + n.ring.width);
      ctx.fillStyle = n.ring.color;
      ctx.fill();
    }
    const bw = n.border.width;
    ctx.beginPath();
    ctx.roundRect(n.x + bw / 2, n.y + bw / 2, n.w - bw, n.h - bw, Math.max(0, n.radius - bw / 2));
    ctx.fillStyle = n.fill;
    ctx.fill();
    if (bw > 0 && n.border.style !== "none") {
      ctx.strokeStyle = n.border.color;
      ctx.lineWidth = bw;
      ctx.setLineDash(dash(n.border.style, bw));
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (n.divider) {
      ctx.beginPath();
      ctx.moveTo(n.x + bw, n.divider.y);
      ctx.lineTo(n.x + n.w - bw, n.divider.y);
      ctx.strokeStyle = n.divider.color;
      ctx.lineWidth = n.divider.width;
      ctx.stroke();
    }
    for (const b of n.blocks) {
      ctx.beginPath();
      ctx.roundRect(b.x, b.y, b.w, b.h, Math.min(b.radius, b.h / 2, b.w / 2));
      ctx.fillStyle = b.fill;
      ctx.fill();
      if (b.text) {
        ctx.font = b.text.font;
        ctx.fillStyle = b.text.color;
        ctx.fillText(b.text.value, b.text.x, b.y + b.h / 2);
      }
    }
    if (n.title) {
      ctx.font = n.title.font;
      ctx.fillStyle = n.title.color;
      ctx.fillText(n.title.value, n.title.x, n.title.y);
    }
  }
  ctx.restore();
}

/**
 * Sizes `canvas` to the part of `scene` around the view and draws it there; returns false (and
 * leaves the page as it is) when there is nothing to draw. The canvas sits in the viewport's
 * coordinates (ViewportPortal), so it moves with the viewport like the layers it replaces.
 */
export function paintSnapshot(canvas: HTMLCanvasElement, scene: Scene, view: Viewport, pane: { width: number; height: number }): boolean {
  const region = snapshotRegion(scene.bounds, view, pane);
  const ctx = region && canvas.getContext("2d");
  if (!region || !ctx) return false;
  const scale = view.zoom * (window.devicePixelRatio || 1);
  const at = `${region.x} ${region.y} ${region.w} ${region.h} ${scale}`;
  // The same scene over the same region at the same scale is already there (an earlier pan).
  const last = painted.get(canvas);
  if (last && last.scene === scene && last.at === at && canvas.width > 0) return true;
  canvas.width = Math.ceil(region.w * scale);
  canvas.height = Math.ceil(region.h * scale);
  canvas.style.left = `${region.x}px`;
  canvas.style.top = `${region.y}px`;
  canvas.style.width = `${region.w}px`;
  canvas.style.height = `${region.h}px`;
  drawScene(ctx, scene, region, scale, (d) => new Path2D(d));
  painted.set(canvas, { scene, at });
  return true;
}

const painted = new WeakMap<HTMLCanvasElement, { scene: Scene; at: string }>();
