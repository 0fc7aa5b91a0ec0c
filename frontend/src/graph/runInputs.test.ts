import { describe, expect, it } from "vitest";
import type { GraphDoc, GraphNode } from "../shared/api/types";
import { outputNames, runInputs } from "./runInputs";

const node = (id: string, type: string, config: Record<string, unknown>): GraphNode => ({
  id, type, version: 1, label: id, config, position: { x: 0, y: 0 }, map: null,
});
const doc = (nodes: GraphNode[]): GraphDoc => ({ schema: 1, nodes, edges: [] });

describe("a pipeline's run inputs and outputs", () => {
  it("are its input nodes in order, by the server's rules: type text unless set, required unless not or defaulted", () => {
    const inputs = runInputs(doc([
      node("a", "input", { name: "question", description: "What to ask" }),
      node("b", "llm.chat", { name: "not-an-input" }),
      node("c", "input", { name: "tier", type: "text", required: false, default: "free" }),
      node("d", "input", { name: "filters", type: "json" }),
      node("f", "input", { name: "limit", type: "json", default: 5 }),
    ]));
    expect(inputs).toEqual([
      { nodeId: "a", name: "question", type: "text", required: true, default: null, description: "What to ask" },
      { nodeId: "c", name: "tier", type: "text", required: false, default: "free", description: "" },
      { nodeId: "d", name: "filters", type: "json", required: true, default: null, description: "" },
      { nodeId: "f", name: "limit", type: "json", required: false, default: 5, description: "" },
    ]);
  });

  it("leave out an input node without a name (the server refuses the graph until it has one)", () => {
    expect(runInputs(doc([node("e", "input", {}), node("g", "input", { name: "" })]))).toEqual([]);
  });

  it("name outputs by their config, \"result\" when unset", () => {
    expect(outputNames(doc([node("o1", "output", { name: "answer" }), node("o2", "output", {}), node("x", "input", { name: "q" })]))).toEqual(["answer", "result"]);
  });
});
