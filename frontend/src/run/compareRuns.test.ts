import { describe, expect, it } from "vitest";
import type { GraphNode, NodeRun } from "../shared/api/types";
import { alignRuns } from "./compareRuns";

const gn = (id: string, label = ""): GraphNode => ({ id, type: "llm", version: 1, label, config: {}, position: { x: 0, y: 0 }, map: null });
const rec = (node_id: string, status: NodeRun["status"], outputs: unknown, duration_ms: number | null, item: number | null = null): NodeRun => ({
  node_id, item, status, inputs: {}, outputs, error: null, attempts: 1, started_at: null, finished_at: null, duration_ms, usage: null, cost: null,
});
const run = (nodes: GraphNode[], records: NodeRun[]) => ({ graph: { schema: 1 as const, nodes, edges: [] }, nodes: records });

describe("aligning two runs", () => {
  it("pairs nodes by id in graph order, A's nodes first then B's extra ones", () => {
    const rows = alignRuns(run([gn("x", "Split"), gn("y")], [rec("x", "succeeded", { a: 1 }, 10)]), run([gn("y"), gn("z")], [rec("z", "failed", null, 3)]));
    expect(rows.map((r) => r.nodeId)).toEqual(["x", "y", "z"]);
    expect(rows[0]).toMatchObject({ label: "Split", b: null, sameStatus: false });
    expect(rows[1]).toMatchObject({ a: null, b: null, sameStatus: true });
    expect(rows[2].a).toBeNull();
    expect(rows[2].b?.status).toBe("failed");
  });

  it("compares outputs regardless of key order and reports the duration change", () => {
    const rows = alignRuns(run([gn("x")], [rec("x", "succeeded", { a: 1, b: [1, 2] }, 100)]), run([gn("x")], [rec("x", "succeeded", { b: [1, 2], a: 1 }, 40)]));
    expect(rows[0]).toMatchObject({ sameStatus: true, sameOutputs: true, durationDeltaMs: -60 });
  });

  it("sees different outputs and ignores map-item records", () => {
    const rows = alignRuns(
      run([gn("m")], [rec("m", "succeeded", { v: "one" }, 5), rec("m", "succeeded", { v: "item" }, 1, 0)]),
      run([gn("m")], [rec("m", "succeeded", { v: "two" }, null)]),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sameOutputs: false, durationDeltaMs: null });
    expect(rows[0].a?.outputs).toEqual({ v: "one" });
  });

  it("compares outputs left out of the details for their size by size and first characters, not by address", () => {
    const big = (chars: number, head: string, runId: number): NodeRun => ({
      ...rec("e", "succeeded", null, 5), truncated: { outputs: { chars, head, url: `/api/runs/${runId}/nodes/e` } },
    });
    const same = alignRuns(run([gn("e")], [big(90_000, '{"embeddings": [[0.1', 1)]), run([gn("e")], [big(90_000, '{"embeddings": [[0.1', 2)]));
    expect(same[0].sameOutputs).toBe(true);
    const longer = alignRuns(run([gn("e")], [big(90_000, '{"embeddings": [[0.1', 1)]), run([gn("e")], [big(90_001, '{"embeddings": [[0.1', 2)]));
    expect(longer[0].sameOutputs).toBe(false);
    const whole = alignRuns(run([gn("e")], [big(90_000, "{", 1)]), run([gn("e")], [rec("e", "succeeded", null, 5)]));
    expect(whole[0].sameOutputs).toBe(false);
  });

  it("keeps records of nodes no longer in either graph", () => {
    expect(alignRuns(run([], [rec("gone", "succeeded", 1, 1)]), run([], [])).map((r) => r.nodeId)).toEqual(["gone"]);
  });
});
