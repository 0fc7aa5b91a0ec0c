import { describe, expect, it } from "vitest";
import { layeredLayout } from "./layout";
import { copySelection, parseClipboard, pasteInto } from "../graph/graphOps";

describe("layeredLayout", () => {
  it("places each node right of its inputs", () => {
    const p = layeredLayout(["c", "a", "b", "d"], [
      { source: "a", target: "b" }, { source: "b", target: "c" }, { source: "a", target: "d" }, { source: "d", target: "c" },
    ]);
    expect(p.a.x).toBeLessThan(p.b.x);
    expect(p.b.x).toBeLessThan(p.c.x);
    expect(p.b.x).toBe(p.d.x);
    expect(p.b.y).not.toBe(p.d.y);
  });
  it("survives cycles and isolated nodes", () => {
    const p = layeredLayout(["x", "y", "z"], [{ source: "x", target: "y" }, { source: "y", target: "x" }]);
    expect(Object.keys(p).sort()).toEqual(["x", "y", "z"]);
  });
});

describe("clipboard", () => {
  it("round-trips selected nodes and their inner edges with fresh ids", () => {
    const doc = {
      schema: 1 as const,
      nodes: ["a", "b", "c"].map((id) => ({ id, type: "t", version: 1, label: id, config: {}, position: { x: 0, y: 0 }, map: null })),
      edges: [
        { id: "e1", source: "a", source_port: "o", target: "b", target_port: "i" },
        { id: "e2", source: "b", source_port: "o", target: "c", target_port: "i" },
      ],
    };
    const clip = parseClipboard(JSON.stringify(copySelection(doc, ["a", "b"])))!;
    expect(clip.edges).toHaveLength(1);
    const { doc: out, ids } = pasteInto(doc, clip);
    expect(out.nodes).toHaveLength(5);
    expect(ids.every((id) => !["a", "b", "c"].includes(id))).toBe(true);
    const pastedEdge = out.edges[2];
    expect(ids).toContain(pastedEdge.source);
    expect(ids).toContain(pastedEdge.target);
    expect(parseClipboard("hello")).toBeNull();
  });
});
