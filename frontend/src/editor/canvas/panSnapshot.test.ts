import { describe, expect, it } from "vitest";
import { drawScene, parseRing, snapshotRegion, type Ctx, type Scene, type SceneNode } from "./panSnapshot";

/** A 2D context that records what is drawn, with the styles in force at each call. */
function recorder() {
  const calls: { op: string; args: unknown[]; fill: string; stroke: string; width: number; dash: number[]; alpha: number }[] = [];
  const state = { fillStyle: "", strokeStyle: "", lineWidth: 1, globalAlpha: 1, font: "", textBaseline: "", dash: [] as number[] };
  const log = (op: string) => (...args: unknown[]) => {
    calls.push({ op, args, fill: state.fillStyle, stroke: state.strokeStyle, width: state.lineWidth, dash: state.dash, alpha: state.globalAlpha });
  };
  const ctx = {
    ...state,
    save: log("save"),
    restore: log("restore"),
    setTransform: log("setTransform"),
    clearRect: log("clearRect"),
    beginPath: log("beginPath"),
    moveTo: log("moveTo"),
    lineTo: log("lineTo"),
    roundRect: log("roundRect"),
    fill: log("fill"),
    stroke: log("stroke"),
    fillText: log("fillText"),
    setLineDash: (d: number[]) => {
      state.dash = d;
    },
  };
  for (const k of ["fillStyle", "strokeStyle", "lineWidth", "globalAlpha", "font", "textBaseline"] as const)
    Object.defineProperty(ctx, k, { get: () => state[k], set: (v) => ((state as Record<string, unknown>)[k] = v) });
  return { ctx: ctx as unknown as Ctx, calls };
}

function node(over: Partial<SceneNode> = {}): SceneNode {
  return {
    x: 0, y: 0, w: 220, h: 60,
    fill: "rgb(255, 255, 255)",
    radius: 8,
    border: { color: "rgb(170, 179, 191)", width: 1.5, style: "solid" },
    ring: null,
    opacity: 1,
    divider: null,
    title: null,
    blocks: [],
    ...over,
  };
}

describe("pan snapshot region", () => {
  const pane = { width: 1000, height: 500 };

  it("is the whole scene when it fits around the view", () => {
    const r = snapshotRegion({ x: 0, y: 0, w: 6000, h: 4000 }, { x: 100, y: 20, zoom: 0.1 }, pane);
    expect(r).toEqual({ x: 0, y: 0, w: 6001, h: 4001 });
  });

  it("is cut to one pane size around what shows, however large the scene", () => {
    // at zoom 1 the pane shows flow x 2000..3000, y 1000..1500
    const r = snapshotRegion({ x: 0, y: 0, w: 20000, h: 20000 }, { x: -2000, y: -1000, zoom: 1 }, pane)!;
    expect(r.x).toBe(1000);
    expect(r.y).toBe(500);
    expect(r.x + r.w).toBeGreaterThanOrEqual(4000);
    expect(r.x + r.w).toBeLessThanOrEqual(4002);
    expect(r.y + r.h).toBeGreaterThanOrEqual(2000);
    expect(r.y + r.h).toBeLessThanOrEqual(2002);
  });

  it("is nothing for an empty scene, an empty pane, or a scene far out of view", () => {
    expect(snapshotRegion(null, { x: 0, y: 0, zoom: 1 }, pane)).toBeNull();
    expect(snapshotRegion({ x: 0, y: 0, w: 10, h: 10 }, { x: 0, y: 0, zoom: 1 }, { width: 0, height: 500 })).toBeNull();
    expect(snapshotRegion({ x: 50000, y: 0, w: 10, h: 10 }, { x: 0, y: 0, zoom: 1 }, pane)).toBeNull();
  });
});

describe("ring from box-shadow", () => {
  it("reads a selection ring's colour and spread", () => {
    expect(parseRing("rgba(37, 84, 199, 0.25) 0px 0px 0px 3px")).toEqual({ color: "rgba(37, 84, 199, 0.25)", width: 3 });
  });
  it("ignores no shadow and blurred shadows", () => {
    expect(parseRing("none")).toBeNull();
    expect(parseRing("rgba(0, 0, 0, 0.2) 0px 4px 16px 0px")).toBeNull();
  });
});

describe("drawing a scene", () => {
  const region = { x: -10, y: -10, w: 1000, h: 1000 };

  it("maps flow coordinates onto the region's pixels", () => {
    const { ctx, calls } = recorder();
    drawScene(ctx, { nodes: [], edges: [], bounds: null }, region, 0.5, () => ({}) as Path2D);
    expect(calls.find((c) => c.op === "clearRect")!.args).toEqual([0, 0, 500, 500]);
    expect(calls.filter((c) => c.op === "setTransform").at(-1)!.args).toEqual([0.5, 0, 0, 0.5, 5, 5]);
  });

  it("draws edges under nodes, each in its own stroke", () => {
    const { ctx, calls } = recorder();
    const scene: Scene = {
      nodes: [node()],
      edges: [
        { d: "M0,0 C1,1 2,2 3,3", stroke: { color: "rgb(177, 177, 183)", width: 1, style: "solid" } },
        { d: "M5,5 C6,6 7,7 8,8", stroke: { color: "rgb(180, 35, 24)", width: 2.5, style: "dashed" } },
      ],
      bounds: null,
    };
    const paths: string[] = [];
    drawScene(ctx, scene, region, 1, (d) => {
      paths.push(d);
      return { d } as unknown as Path2D;
    });
    const strokes = calls.filter((c) => c.op === "stroke");
    expect(strokes[0]).toMatchObject({ args: [{ d: "M0,0 C1,1 2,2 3,3" }], stroke: "rgb(177, 177, 183)", width: 1, dash: [] });
    expect(strokes[1]).toMatchObject({ stroke: "rgb(180, 35, 24)", width: 2.5, dash: [7.5, 5] });
    const firstNodeFill = calls.findIndex((c) => c.op === "fill");
    expect(firstNodeFill).toBeGreaterThan(calls.indexOf(strokes[1]));
  });

  it("draws a node's ring, fill, border, title and badges with their own colours", () => {
    const { ctx, calls } = recorder();
    const n = node({
      x: 100, y: 50,
      ring: { color: "rgba(37, 84, 199, 0.25)", width: 3 },
      border: { color: "rgb(37, 84, 199)", width: 2, style: "dashed" },
      opacity: 0.75,
      divider: { y: 80, color: "rgb(237, 240, 243)", width: 1 },
      title: { value: "Merge", font: "normal 600 22px sans-serif", color: "rgb(27, 31, 36)", x: 108, y: 65 },
      blocks: [{ x: 160, y: 58, w: 40, h: 14, fill: "rgb(227, 244, 234)", radius: 10, text: { value: "done", font: "11px sans-serif", color: "rgb(21, 115, 71)", x: 167 } }],
    });
    drawScene(ctx, { nodes: [n], edges: [], bounds: null }, region, 1, () => ({}) as Path2D);
    const rects = calls.filter((c) => c.op === "roundRect").map((c) => c.args);
    expect(rects[0]).toEqual([97, 47, 226, 66, 11]); // the ring, 3 px around the box
    expect(rects[1]).toEqual([101, 51, 218, 58, 7]); // the box, its border inside it
    const fills = calls.filter((c) => c.op === "fill").map((c) => c.fill);
    expect(fills).toEqual(["rgba(37, 84, 199, 0.25)", "rgb(255, 255, 255)", "rgb(227, 244, 234)"]);
    const border = calls.find((c) => c.op === "stroke")!;
    expect(border).toMatchObject({ stroke: "rgb(37, 84, 199)", width: 2, dash: [6, 4], alpha: 0.75 });
    const texts = calls.filter((c) => c.op === "fillText");
    expect(texts.map((c) => [c.args, c.fill])).toEqual([
      [["done", 167, 65], "rgb(21, 115, 71)"],
      [["Merge", 108, 65], "rgb(27, 31, 36)"],
    ]);
  });

  it("leaves out nodes outside the region", () => {
    const { ctx, calls } = recorder();
    drawScene(ctx, { nodes: [node({ x: 5000 }), node({ x: 10 })], edges: [], bounds: null }, region, 1, () => ({}) as Path2D);
    expect(calls.filter((c) => c.op === "roundRect")).toHaveLength(1);
  });
});
