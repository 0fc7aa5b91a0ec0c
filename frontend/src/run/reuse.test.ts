import { describe, expect, it } from "vitest";
import type { GraphDoc, GraphNode, NodeRun, RunDetail } from "../shared/api/types";
import { pasteInto, pinNode } from "../graph/graphOps";
import { reuseActions, reusedFrom } from "./reuse";
import { applyEvents, initRun } from "./runEvents";

const node = (id: string, extra: Partial<GraphNode> = {}): GraphNode => ({
  id, type: "llm", version: 1, label: "", config: {}, position: { x: 0, y: 0 }, map: null, ...extra,
});
const doc = (...nodes: GraphNode[]): GraphDoc => ({ schema: 1, nodes, edges: [] });
const record = (node_id: string, status: NodeRun["status"], reused_from: number | null = null): NodeRun => ({
  node_id, item: null, status, inputs: {}, outputs: {}, error: null, attempts: 1, started_at: null, finished_at: null,
  duration_ms: 5, usage: null, cost: null, reused_from,
});
const detail = (over: Partial<RunDetail>): RunDetail => ({
  id: "9", pipeline: "1", pipeline_name: "p", version: null, status: "succeeded", created_at: "", started_at: null, finished_at: null,
  duration_ms: null, started_by: null, usage: null, cost: null, attempt: 1, graph: doc(), inputs: {}, outputs: null, error: null,
  nodes: [], last_seq: 0, ...over,
});

describe("reused nodes", () => {
  it("reads the run's reused map first", () => {
    expect(reusedFrom("a", initRun(), detail({ reused: { a: 7 } }))).toBe("7");
  });

  it("falls back to the node record's reused_from", () => {
    expect(reusedFrom("a", initRun(), detail({ nodes: [record("a", "succeeded", 4)] }))).toBe("4");
    expect(reusedFrom("b", initRun(), detail({ nodes: [record("b", "succeeded")] }))).toBeNull();
  });

  it("counts nodes resumed from an earlier attempt that sent no events in this view", () => {
    const live = applyEvents(initRun(), [{ seq: 1, type: "run.started", node_id: null, item: null, payload: { attempt: 2, resumed: ["a"] }, ts: 1 }]);
    expect(reusedFrom("a", live, null)).toBe("");
    expect(reusedFrom("b", live, null)).toBeNull();
  });
});

describe("run from here and pins", () => {
  const finished = { id: "9", status: "succeeded" as const };

  it("offers nothing while the run is going, except unpinning", () => {
    expect(reuseActions(node("a"), { id: "9", status: "running" }, record("a", "succeeded"), true)).toEqual({ runFrom: false, pin: false, unpin: false });
    expect(reuseActions(node("a", { pinned: { run: 3 } }), { id: "9", status: "running" }, undefined, true).unpin).toBe(true);
  });

  it("offers run from here on a finished run and pin only for a success", () => {
    expect(reuseActions(node("a"), finished, record("a", "succeeded"), true)).toEqual({ runFrom: true, pin: true, unpin: false });
    expect(reuseActions(node("a"), { id: "9", status: "failed" }, record("a", "failed"), true)).toEqual({ runFrom: true, pin: false, unpin: false });
  });

  it("does not offer pinning to the run it is already pinned to", () => {
    expect(reuseActions(node("a", { pinned: { run: 9 } }), finished, record("a", "succeeded"), true)).toEqual({ runFrom: true, pin: false, unpin: true });
  });

  it("offers nothing read-only or for a node no longer in the graph", () => {
    expect(reuseActions(node("a"), finished, record("a", "succeeded"), false).runFrom).toBe(false);
    expect(reuseActions(undefined, finished, record("a", "succeeded"), true).runFrom).toBe(false);
  });

  it("pins and unpins as graph edits, and is a no-op when nothing changes", () => {
    const d0 = doc(node("a"), node("b"));
    const d1 = pinNode(d0, "a", "9");
    expect(d1.nodes[0].pinned).toEqual({ run: 9 });
    expect(d1.nodes[1]).toBe(d0.nodes[1]);
    expect(pinNode(d1, "a", 9)).toBe(d1);
    const d2 = pinNode(d1, "a", null);
    expect("pinned" in d2.nodes[0]).toBe(false);
    expect(pinNode(d2, "a", null)).toBe(d2);
    expect(pinNode(d0, "missing", 1)).toBe(d0);
  });

  it("drops pins from pasted nodes (they name another pipeline's run)", () => {
    const { doc: out } = pasteInto(doc(), { nodes: [node("a", { pinned: { run: 9 } })], edges: [] } as never);
    expect(out.nodes[0].pinned).toBeUndefined();
  });
});
