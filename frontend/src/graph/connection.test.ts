import { describe, expect, it } from "vitest";
import type { GraphEdge, MapSpec, PortSpec } from "../shared/api/types";
import { checkConnection, type ConnectionWorld } from "./connection";
import { compatible } from "./portTypes";

const port = (name: string, type: string, extra: Partial<PortSpec> = {}): PortSpec => ({
  name, type, required: true, many: false, description: "", ...extra,
});

function world(edges: GraphEdge[] = [], maps: Record<string, MapSpec> = {}): ConnectionWorld {
  const nodes: Record<string, { inputs: PortSpec[]; outputs: PortSpec[] }> = {
    input: { inputs: [], outputs: [port("value", "text")] },
    split: { inputs: [port("text", "text")], outputs: [port("chunks", "list[text]")] },
    llm: { inputs: [port("prompt", "text")], outputs: [port("text", "text")] },
    join: { inputs: [port("items", "text", { many: true })], outputs: [port("text", "text")] },
    emb: { inputs: [port("texts", "list[text]")], outputs: [port("vectors", "list[embedding]")] },
    anyin: { inputs: [port("value", "any")], outputs: [port("value", "any")] },
  };
  return { portsOf: (id) => nodes[id], mapOf: (id) => maps[id] ?? null, edges };
}
const conn = (source: string, sourceHandle: string, target: string, targetHandle: string) => ({ source, sourceHandle, target, targetHandle });
const edge = (id: string, s: string, sp: string, t: string, tp: string): GraphEdge => ({ id, source: s, source_port: sp, target: t, target_port: tp });

describe("compatible", () => {
  it("matches the server's rules", () => {
    expect(compatible("text", "text")).toBe(true);
    expect(compatible("text", "any")).toBe(true);
    expect(compatible("any", "embedding")).toBe(true);
    expect(compatible("list[text]", "list[any]")).toBe(true);
    expect(compatible("list[any]", "list[text]")).toBe(true);
    expect(compatible("list[text]", "text")).toBe(false);
    expect(compatible("text", "list[text]")).toBe(false);
    expect(compatible("list[text]", "list[embedding]")).toBe(false);
    expect(compatible("list[list[text]]", "list[list[text]]")).toBe(true);
    expect(compatible("json", "text")).toBe(false);
  });
});

describe("checkConnection", () => {
  it("accepts matching types", () => {
    expect(checkConnection(world(), conn("input", "value", "llm", "prompt"))).toEqual({ ok: true });
  });
  it("refuses a type mismatch with a reason naming both types", () => {
    const r = checkConnection(world(), conn("split", "chunks", "llm", "prompt"));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/list\[text\].*text/);
  });
  it("lets a mapped input accept a list of its item type", () => {
    const w = world([], { llm: { port: "prompt", concurrency: 4 } });
    expect(checkConnection(w, conn("split", "chunks", "llm", "prompt")).ok).toBe(true);
    expect(checkConnection(w, conn("input", "value", "llm", "prompt")).ok).toBe(false);
  });
  it("makes a mapped node's outputs lists", () => {
    const w = world([], { llm: { port: "prompt", concurrency: 4 } });
    expect(checkConnection(w, conn("llm", "text", "emb", "texts")).ok).toBe(true);
    expect(checkConnection(world(), conn("llm", "text", "emb", "texts")).ok).toBe(false);
  });
  it("allows one edge into a single input and many into a many input", () => {
    const edges = [edge("e1", "input", "value", "llm", "prompt"), edge("e2", "input", "value", "join", "items")];
    const r = checkConnection(world(edges), conn("split", "chunks", "llm", "prompt"));
    expect(r.ok).toBe(false);
    expect(checkConnection(world(edges), conn("llm", "text", "join", "items")).ok).toBe(true);
  });
  it("refuses duplicates, self loops, cycles and unknown ports", () => {
    const edges = [edge("e1", "input", "value", "join", "items"), edge("e2", "join", "text", "llm", "prompt")];
    expect(checkConnection(world(edges), conn("input", "value", "join", "items")).ok).toBe(false);
    expect(checkConnection(world(), conn("llm", "text", "llm", "prompt")).ok).toBe(false);
    const cyc = checkConnection(world(edges), conn("llm", "text", "join", "items"));
    expect(cyc).toEqual({ ok: false, reason: "That connection would create a cycle." });
    expect(checkConnection(world(), conn("llm", "nope", "join", "items")).ok).toBe(false);
    expect(checkConnection(world(), conn("llm", "text", "join", "nope")).ok).toBe(false);
  });
  it("trusts any on either side", () => {
    expect(checkConnection(world(), conn("anyin", "value", "emb", "texts")).ok).toBe(true);
    expect(checkConnection(world(), conn("split", "chunks", "anyin", "value")).ok).toBe(true);
  });
});
