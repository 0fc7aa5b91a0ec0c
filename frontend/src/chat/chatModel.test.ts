import { describe, expect, it } from "vitest";
import type { ChatContract } from "../shared/api/types";
import { answerOf, busy, chatRefusal, chatShape, newSessionId, turnInputs, turnsReducer } from "./chatModel";

/** A chat contract as the server publishes it (the `chat` of a pipeline's `interface`). */
const memoryChat: ChatContract = { can_chat: true, message: "q", session: "session", answer: "answer", stream_node: "llm", memory: true };

describe("chat shape", () => {
  it("is the server's chat contract: message, session, answer, the streaming node and memory", () => {
    expect(chatShape(memoryChat)).toEqual({ message: "q", session: "session", answer: "answer", streamNode: "llm", memory: true });
    expect(chatRefusal(memoryChat)).toBeNull();
  });

  it("chats without memory when the server names no session input", () => {
    const plain: ChatContract = { can_chat: true, message: "message", session: null, answer: "reply", stream_node: null, memory: false };
    expect(chatShape(plain)).toMatchObject({ message: "message", session: null, answer: "reply", streamNode: null, memory: false });
  });

  it("cannot chat when the server says so, or before it has answered, and says why in the server's words", () => {
    const refused: ChatContract = { can_chat: false, reason: "Input “k” needs a default: a chat only sends the message and the session.", details: { node: "k", input: "k" } };
    expect(chatShape(refused)).toBeNull();
    expect(chatRefusal(refused)).toContain("“k” needs a default");
    expect(chatShape(null)).toBeNull();
    expect(chatRefusal(undefined)).toBeNull();
  });
});

describe("turns", () => {
  it("builds inputs with and without a session", () => {
    const shape = chatShape(memoryChat)!;
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
    const shape = chatShape(memoryChat)!;
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
