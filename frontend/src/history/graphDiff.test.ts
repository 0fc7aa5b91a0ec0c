import { describe, expect, it } from "vitest";
import type { GraphDoc, GraphNode } from "../shared/api/types";
import { diffGraphs, isEmptyDiff } from "./graphDiff";

const node = (id: string, config: Record<string, unknown> = {}, extra: Partial<GraphNode> = {}): GraphNode => ({
  id, type: "llm.chat", version: 1, label: id, config, position: { x: 0, y: 0 }, map: null, ...extra,
});

describe("diffGraphs", () => {
  const a: GraphDoc = {
    schema: 1,
    nodes: [node("in", {}, { type: "input" }), node("llm", { model: "a", temperature: 0.2 }), node("old")],
    edges: [{ id: "e1", source: "in", source_port: "value", target: "llm", target_port: "prompt" }],
  };
  const b: GraphDoc = {
    schema: 1,
    nodes: [
      node("in", {}, { type: "input", position: { x: 500, y: 9 } }),
      node("llm", { model: "b", temperature: 0.2, stream: true }, { map: { port: "prompt", concurrency: 4 } }),
      node("new"),
    ],
    edges: [
      { id: "e9", source: "in", source_port: "value", target: "llm", target_port: "prompt" },
      { id: "e2", source: "llm", source_port: "text", target: "new", target_port: "prompt" },
    ],
  };
  const d = diffGraphs(a, b);

  it("lists added and removed nodes", () => {
    expect(d.nodesAdded.map((n) => n.id)).toEqual(["new"]);
    expect(d.nodesRemoved.map((n) => n.id)).toEqual(["old"]);
  });
  it("lists changed config fields and settings, ignoring position", () => {
    expect(d.nodesChanged).toHaveLength(1);
    expect(d.nodesChanged[0].changes.map((c) => c.path)).toEqual(["config.model", "config.stream", "map"]);
    expect(d.nodesChanged[0].changes[0]).toMatchObject({ before: "a", after: "b" });
  });
  it("compares edges by endpoints, not ids", () => {
    expect(d.edgesAdded.map((e) => e.id)).toEqual(["e2"]);
    expect(d.edgesRemoved).toEqual([]);
  });
  it("compares config values as JSON, nested key order aside, and tells a cleared field from a missing one", () => {
    const x = { schema: 1 as const, nodes: [node("j", { schema: { a: 1, b: [{ p: 1, q: 2 }] }, note: null })], edges: [] };
    const y = { schema: 1 as const, nodes: [node("j", { schema: { b: [{ q: 2, p: 1 }], a: 1 } })], edges: [] };
    expect(diffGraphs(x, y).nodesChanged.map((c) => c.changes.map((f) => f.path))).toEqual([["config.note"]]);
  });
  it("finds nothing between equal graphs regardless of key order", () => {
    const c = { ...a, nodes: a.nodes.map((n) => ({ ...n, config: Object.fromEntries(Object.entries(n.config).reverse()) })) };
    expect(isEmptyDiff(diffGraphs(a, c))).toBe(true);
  });
});
