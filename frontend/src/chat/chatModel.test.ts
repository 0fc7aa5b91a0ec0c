import { describe, expect, it } from "vitest";
import type { GraphDoc, GraphNode, NodeTypeSpec } from "../shared/api/types";
import { answerOf, busy, chatShape, newSessionId, turnInputs, turnsReducer, upstream } from "./chatModel";

function node(id: string, type: string, config: Record<string, unknown> = {}): GraphNode {
  return { id, type, version: 1, label: "", config, position: { x: 0, y: 0 }, map: null };
}

function spec(type: string, traits: string[] = []): NodeTypeSpec {
  return { type, version: 1, title: type, category: "", description: "", config_schema: {}, inputs: [], outputs: [], partial_inputs: false, dynamic_ports: false, traits };
}

/** The catalog's word on which types stream and which keep memory (GET /api/node-types). */
const byType = Object.fromEntries(
  [spec("input"), spec("output"), spec("llm.chat", ["streams_text"]), spec("memory.load", ["memory"]), spec("memory.save", ["memory"])].map((t) => [t.type, t]),
);

function edge(source: string, target: string) {
  return { id: `${source}-${target}`, source, source_port: "out", target, target_port: "in" };
}

const memoryChat: GraphDoc = {
  schema: 1,
  nodes: [
    node("s", "input", { name: "session", type: "text" }),
    node("q", "input", { name: "q", type: "text" }),
    node("history", "memory.load"),
    node("other", "llm.chat"),
    node("llm", "llm.chat"),
    node("save", "memory.save"),
    node("a", "output", { name: "answer" }),
    node("debug", "output", { name: "debug" }),
  ],
  edges: [edge("s", "history"), edge("history", "llm"), edge("q", "llm"), edge("llm", "save"), edge("llm", "a"), edge("other", "debug")],
};

describe("chat shape", () => {
  it("finds message, session, answer and the streaming LLM upstream of the answer", () => {
    expect(chatShape(memoryChat, byType)).toEqual({ message: "q", session: "session", answer: "answer", streamNode: "llm", memory: true });
  });

  it("chats without memory when there is no session input", () => {
    const doc: GraphDoc = { schema: 1, nodes: [node("m", "input", { name: "message" }), node("r", "output", { name: "reply" })], edges: [edge("m", "r")] };
    expect(chatShape(doc, byType)).toMatchObject({ message: "message", session: null, answer: "reply", streamNode: null, memory: false });
  });

  it("refuses pipelines that need other inputs or have no text input or no output", () => {
    const extra = { ...memoryChat, nodes: [...memoryChat.nodes, node("k", "input", { name: "k", type: "number" })] };
    expect(chatShape(extra, byType)).toBeNull();
    const optional = { ...memoryChat, nodes: [...memoryChat.nodes, node("k", "input", { name: "k", type: "number", required: false })] };
    expect(chatShape(optional, byType)).not.toBeNull();
    expect(chatShape({ schema: 1, nodes: [node("s", "input", { name: "session" }), node("a", "output")], edges: [] }, byType)).toBeNull();
    expect(chatShape({ schema: 1, nodes: [node("q", "input", { name: "q" })], edges: [] }, byType)).toBeNull();
  });

  it("takes the streaming node and memory from the catalog's traits, not from type names", () => {
    const custom = { ...byType, "my.model": spec("my.model", ["streams_text"]), "llm.chat": spec("llm.chat") };
    const doc: GraphDoc = {
      schema: 1,
      nodes: [node("m", "input", { name: "message" }), node("gen", "my.model"), node("old", "llm.chat"), node("r", "output", { name: "reply" })],
      edges: [edge("m", "old"), edge("old", "gen"), edge("gen", "r")],
    };
    expect(chatShape(doc, custom)).toMatchObject({ streamNode: "gen", memory: false });
    expect(chatShape(memoryChat, {})).toMatchObject({ streamNode: null, memory: false }); // no catalog yet
  });

  it("walks upstream nearest first", () => {
    expect(upstream(memoryChat, "a")).toEqual(["llm", "history", "q", "s"]);
  });
});

describe("turns", () => {
  it("builds inputs with and without a session", () => {
    const shape = chatShape(memoryChat, byType)!;
    expect(turnInputs(shape, "hi", "s1")).toEqual({ q: "hi", session: "s1" });
    expect(turnInputs({ ...shape, session: null }, "hi", "s1")).toEqual({ q: "hi" });
  });

  it("streams into the running turn and keeps the final answer", () => {
    let t = turnsReducer([], { type: "ask", key: 1, user: "hi" });
    expect(busy(t)).toBe(true);
    t = turnsReducer(t, { type: "started", key: 1, runId: "9" });
    t = turnsReducer(t, { type: "tokens", key: 1, text: "Hel" });
    expect(t[0]).toMatchObject({ status: "running", answer: "Hel", runId: "9" });
    t = turnsReducer(t, { type: "done", key: 1, answer: "Hello" });
    t = turnsReducer(t, { type: "tokens", key: 1, text: "late" });
    expect(t[0]).toMatchObject({ status: "done", answer: "Hello" });
    expect(busy(t)).toBe(false);
    t = turnsReducer(t, { type: "ask", key: 2, user: "again" });
    t = turnsReducer(t, { type: "failed", key: 2, error: "boom" });
    expect(t.map((x) => x.status)).toEqual(["done", "failed"]);
    expect(turnsReducer(t, { type: "clear" })).toEqual([]);
  });

  it("reads the answer output, else the first output", () => {
    const shape = chatShape(memoryChat, byType)!;
    expect(answerOf(shape, { answer: "yes", debug: 1 })).toBe("yes");
    expect(answerOf({ ...shape, answer: "missing" }, { other: { a: 1 } })).toBe('{\n  "a": 1\n}');
    expect(answerOf(shape, null)).toBeNull();
  });

  it("makes distinct printable session ids", () => {
    const a = newSessionId(() => 0.1, 1000);
    expect(a).toMatch(/^playground-[0-9a-z]+-[0-9a-z]{6}$/);
    expect(newSessionId(() => 0.2, 1000)).not.toBe(a);
  });
});
