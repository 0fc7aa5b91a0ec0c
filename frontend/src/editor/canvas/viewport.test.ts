import { describe, expect, it } from "vitest";
import { estimateSize, fitViewport } from "./viewport";

describe("fit viewport", () => {
  const pane = { width: 1000, height: 500 };
  const opts = { padding: 0, minZoom: 0.1, maxZoom: 1 };

  it("centres a graph that fits at zoom 1 without enlarging it", () => {
    const v = fitViewport([{ x: 0, y: 0, width: 200, height: 100 }], pane, opts);
    expect(v).toEqual({ x: 400, y: 200, zoom: 1 });
  });

  it("zooms out to the tighter dimension and keeps the padding", () => {
    const v = fitViewport([{ x: 0, y: 0, width: 100, height: 100 }, { x: 3900, y: 900, width: 100, height: 100 }], pane, { ...opts, padding: 0.25 });
    expect(v.zoom).toBeCloseTo(1000 / (4000 * 1.5));
    expect(v.x + 2000 * v.zoom).toBeCloseTo(500);
    expect(v.y + 500 * v.zoom).toBeCloseTo(250);
  });

  it("stops at the minimum zoom, and handles an empty graph", () => {
    expect(fitViewport([{ x: 0, y: 0, width: 1e6, height: 10 }], pane, opts).zoom).toBe(0.1);
    expect(fitViewport([], pane, opts)).toEqual({ x: 0, y: 0, zoom: 1 });
  });

  it("estimates taller nodes for more ports", () => {
    expect(estimateSize(4, 1).height).toBeGreaterThan(estimateSize(1, 1).height);
    expect(estimateSize(0, 0).width).toBe(220);
  });
});
