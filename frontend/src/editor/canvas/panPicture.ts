/**
 * How the canvas pans (see Canvas): a moving viewport gets its own compositor layer, a drag pan
 * raises a shield over the nodes, and a big pipeline drag-panned far out is shown as one picture
 * (panSnapshot.ts) while xyflow's viewport is held. Returns the xyflow handlers that do it.
 */
import type { Edge, ReactFlowState, Viewport } from "@xyflow/react";
import { useCallback, useEffect, useRef, type RefObject } from "react";
import { paintSnapshot, readScene, type Scene } from "./panSnapshot";
import { useRun } from "../../run/runStore";
import { useSave } from "../save/saveStore";
import type { FomoFlowNode } from "./FomoNode";

/** How often the pan picture follows live changes (see paintPicture). */
const SNAPSHOT_REDRAW_MS = 150;
export const BACKGROUND_GAP = 20;
/** A pan picture up to this size (~16 MB) is kept for the next pan, in case nothing changes. */
const KEEP_PICTURE_PIXELS = 4_000_000;

interface StoreApi {
  getState(): ReactFlowState<FomoFlowNode, Edge>;
  setState(partial: Partial<ReactFlowState<FomoFlowNode, Edge>>): void;
}

export interface PanPictureParts {
  /** xyflow's store (useStoreApi). */
  rf: StoreApi;
  /** The canvas wrapper, whose classes say how it moves. */
  wrap: RefObject<HTMLDivElement | null>;
  /** The picture's <canvas>, inside the viewport (present for big pipelines). */
  snapshot: RefObject<HTMLCanvasElement | null>;
  /** The level of detail: zoomed far out, and a big pipeline. */
  lod: RefObject<{ far: boolean; big: boolean }>;
  /** The nodes and edges xyflow was last given (a change is a new picture). */
  shown: RefObject<{ nodes: unknown; edges: unknown }>;
  /** Bumped whenever xyflow measures a node (a new size is a new picture). */
  measuredAt: RefObject<number>;
}

export function usePanPicture({ rf, wrap, snapshot, lod, shown, measuredAt }: PanPictureParts) {
  // While the viewport moves, promote it to its own compositor layer so a pan only moves
  // pixels already drawn; dropped afterwards so zoomed text is re-rasterised sharp. A drag pan
  // (not a wheel zoom, whose later events must still reach the pane) also raises the shield: a
  // transparent cover the browser hit-tests first, instead of walking every node and edge
  // under the pointer on each mouse move (~5 ms a move at 500 nodes). d3-zoom follows the
  // drag on window, so the shield does not interrupt it. Raised at the first step, not on the
  // press: a click on the pane (mouse down and up in place) must still land on the pane.
  const dragPan = useRef<"no" | "pressed" | "raised">("no");
  const pictured = useCallback(() => lod.current.far && lod.current.big, []);
  const onMoveStart = useCallback((event: MouseEvent | TouchEvent | null) => {
    dragPan.current = event && (event.type === "mousedown" || event.type === "pointerdown") ? "pressed" : "no";
    // A press that may become a picture pan (below) leaves the layers as they are: hiding their
    // handles and promoting the viewport would only cost a restyle and repaint on release.
    if (dragPan.current === "no" || !pictured()) wrap.current?.classList.add("is-moving");
  }, [pictured]);
  // A big pipeline drag-panned far out also swaps its node and edge layers for one picture of
  // them (panSnapshot.ts) until the pan ends: the browser then moves one canvas instead of
  // re-layerizing a thousand boxes per step. Far out the text is unreadable anyway, and the
  // shield keeps the pointer off the picture. The scene is read again only when something it
  // is read from has changed since the last pan (what the nodes and edges are, a run's live
  // states, the save's errors, sizes, the level of detail); an unchanged scene at an unchanged
  // zoom keeps its pixels (paintSnapshot).
  const drawnFrom = useRef<{ inputs: unknown[]; scene: Scene } | null>(null);
  const paintPicture = useCallback((): boolean => {
    const el = wrap.current, canvas = snapshot.current;
    if (!el || !canvas) return false;
    const { nodeLookup, transform, width, height } = rf.getState();
    const run = useRun.getState(), save = useSave.getState();
    const inputs = [shown.current.nodes, shown.current.edges, run.runId, run.live, run.detail, save.byNode, save.byEdge, lod.current.far, measuredAt.current];
    const last = drawnFrom.current;
    const scene = last && last.inputs.every((v, i) => v === inputs[i]) ? last.scene : readScene(el, (id) => nodeLookup.get(id));
    drawnFrom.current = { inputs, scene };
    return paintSnapshot(canvas, scene, { x: transform[0], y: transform[1], zoom: transform[2] }, { width, height });
  }, [rf]);
  // While the picture shows, the viewport is held: xyflow's store keeps the transform the pan
  // had when the picture was drawn, so its thousands of per-node, per-handle and per-edge
  // subscriptions are not re-run on every step (~3-4 ms a step at 500 nodes); the picture and
  // the background pattern are moved by the difference instead, and the store gets the final
  // transform when the pan ends. For that Canvas writes the store itself (xyflow is given the
  // viewport once, at mount, and reports every change to onViewportChange); every other change
  // goes straight through.
  const held = useRef<{ from: Viewport; to: Viewport; background: SVGElement | null } | null>(null);
  const release = useCallback(() => {
    const h = held.current;
    held.current = null;
    const el = wrap.current, canvas = snapshot.current;
    if (canvas) {
      canvas.style.transform = "";
      if (canvas.width * canvas.height > KEEP_PICTURE_PIXELS) canvas.width = 0; // frees them
    }
    if (h?.background) h.background.style.transform = "";
    el?.classList.remove("is-snapshot");
    if (h) rf.setState({ transform: [h.to.x, h.to.y, h.to.zoom] });
  }, [rf]);
  const onViewportChange = useCallback((v: Viewport) => {
    const h = held.current;
    if (h && v.zoom === h.from.zoom) {
      h.to = v;
      const dx = v.x - h.from.x, dy = v.y - h.from.y;
      // The picture sits in the viewport's scaled coordinates; the pattern repeats every gap.
      if (snapshot.current) snapshot.current.style.transform = `translate(${dx / v.zoom}px, ${dy / v.zoom}px)`;
      const gap = BACKGROUND_GAP * v.zoom;
      if (h.background) h.background.style.transform = `translate(${modulo(dx, gap)}px, ${modulo(dy, gap)}px)`;
      return;
    }
    if (h) release();
    rf.setState({ transform: [v.x, v.y, v.zoom] });
  }, [rf, release]);
  const onMove = useCallback(() => {
    const el = wrap.current;
    if (dragPan.current !== "pressed" || !el) return;
    dragPan.current = "raised";
    el.classList.add("is-panning");
    if (!pictured() || !paintPicture()) {
      el.classList.add("is-moving");
      return;
    }
    el.classList.add("is-snapshot");
    const [x, y, zoom] = rf.getState().transform;
    held.current = { from: { x, y, zoom }, to: { x, y, zoom }, background: el.querySelector<SVGElement>(".react-flow__background") };
  }, [paintPicture, rf]);
  // A run's live states and the save's errors keep changing under the picture (the hidden
  // nodes still render them): redraw it from them, at most every SNAPSHOT_REDRAW_MS.
  useEffect(() => {
    let timer = 0;
    const again = () => {
      if (timer || !held.current) return;
      timer = window.setTimeout(() => requestAnimationFrame(() => {
        timer = 0;
        if (held.current) paintPicture();
      }), SNAPSHOT_REDRAW_MS);
    };
    const offs = [useRun.subscribe(again), useSave.subscribe(again)];
    return () => {
      offs.forEach((off) => off());
      window.clearTimeout(timer);
    };
  }, [paintPicture]);
  const onMoveEnd = useCallback(() => {
    dragPan.current = "no";
    if (held.current) release();
    wrap.current?.classList.remove("is-moving", "is-panning");
  }, [release]);

  return { onMoveStart, onMove, onMoveEnd, onViewportChange };
}

function modulo(a: number, n: number): number {
  return ((a % n) + n) % n;
}
