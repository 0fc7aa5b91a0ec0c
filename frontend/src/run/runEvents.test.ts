import { describe, expect, it } from "vitest";
import type { RunEvent } from "../shared/api/types";
import { applyEvents, gapAfter, initRun } from "./runEvents";

let ts = 1000;
const ev = (seq: number, type: RunEvent["type"], node_id: string | null, payload: Record<string, unknown> = {}, item: number | null = null): RunEvent => ({
  seq, type, node_id, item, payload, ts: ts++,
});

describe("run event reducer", () => {
  it("drives node states through a run", () => {
    const s = applyEvents(initRun(), [
      ev(1, "run.started", null, { attempt: 1, resumed: [] }),
      ev(2, "node.started", "a", { attempt: 1 }),
      ev(3, "node.token", "a", { text: "Hel", attempt: 1 }),
      ev(4, "node.token", "a", { text: "lo", attempt: 1 }),
      ev(5, "node.finished", "a", { attempt: 1, duration_ms: 40, outputs_preview: { text: "Hello" }, usage: { total_tokens: 5 }, cost: 0.001 }),
      ev(6, "node.skipped", "b", { state: "abandoned", reason: "upstream failed" }),
      ev(7, "run.finished", null, { status: "succeeded", duration_ms: 50, usage: {}, cost: 0.001 }),
    ]);
    expect(s.lastSeq).toBe(7);
    expect(s.status).toBe("succeeded");
    expect(s.nodes.a).toMatchObject({ state: "succeeded", tokens: "Hello", durationMs: 40, cost: 0.001 });
    expect(s.nodes.b).toMatchObject({ state: "abandoned", reason: "upstream failed" });
  });

  it("ignores duplicates and older seqs, returning the same state", () => {
    const s1 = applyEvents(initRun(), [ev(1, "run.started", null), ev(2, "node.started", "a", { attempt: 1 }), ev(3, "node.token", "a", { text: "x", attempt: 1 })]);
    const s2 = applyEvents(s1, [ev(2, "node.started", "a", { attempt: 1 }), ev(3, "node.token", "a", { text: "x", attempt: 1 })]);
    expect(s2).toBe(s1);
    expect(s2.nodes.a.tokens).toBe("x");
  });

  it("applies out-of-order batches by seq and buffers events after a gap", () => {
    let s = applyEvents(initRun(), [ev(2, "node.started", "a", { attempt: 1 }), ev(1, "run.started", null)]);
    expect(s.nodes.a.state).toBe("running");
    s = applyEvents(s, [ev(4, "node.token", "a", { text: "b", attempt: 1 })]);
    expect(s.lastSeq).toBe(2);
    expect(gapAfter(s)).toBe(2);
    s = applyEvents(s, [ev(3, "node.token", "a", { text: "a", attempt: 1 })]);
    expect(s.lastSeq).toBe(4);
    expect(s.nodes.a.tokens).toBe("ab");
    expect(gapAfter(s)).toBeNull();
  });

  it("voids tokens of a failed attempt and late tokens from it", () => {
    const s = applyEvents(initRun(), [
      ev(1, "node.started", "a", { attempt: 1 }),
      ev(2, "node.token", "a", { text: "partial", attempt: 1 }),
      ev(3, "node.failed", "a", { attempt: 1, duration_ms: 5, error: { kind: "provider", message: "cut" }, will_retry: true }),
      ev(4, "node.token", "a", { text: " late", attempt: 1 }),
    ]);
    expect(s.nodes.a).toMatchObject({ state: "running", tokens: "", willRetry: true });
    const s2 = applyEvents(s, [
      ev(5, "node.started", "a", { attempt: 2 }),
      ev(6, "node.token", "a", { text: "old", attempt: 1 }),
      ev(7, "node.token", "a", { text: "fresh", attempt: 2 }),
    ]);
    expect(s2.nodes.a).toMatchObject({ attempt: 2, tokens: "fresh", state: "running" });
  });

  it("records a final failure with its error", () => {
    const s = applyEvents(initRun(), [
      ev(1, "node.started", "a", { attempt: 1 }),
      ev(2, "node.failed", "a", { attempt: 1, duration_ms: 9, error: { kind: "auth", message: "bad key", retryable: false }, will_retry: false }),
    ]);
    expect(s.nodes.a).toMatchObject({ state: "failed", error: { kind: "auth" } });
  });

  it("tracks map items separately", () => {
    const s = applyEvents(initRun(), [
      ev(1, "node.started", "m", { attempt: 1, items: 3 }),
      ev(2, "node.started", "m", { attempt: 1 }, 0),
      ev(3, "node.started", "m", { attempt: 1 }, 1),
      ev(4, "node.finished", "m", { attempt: 1, duration_ms: 3 }, 0),
      ev(5, "node.failed", "m", { attempt: 1, error: { kind: "timeout", message: "t" }, will_retry: false }, 1),
    ]);
    expect(s.nodes.m.items).toBe(3);
    expect(s.nodes.m.state).toBe("running");
    expect(s.nodes.m.itemStates[0].state).toBe("succeeded");
    expect(s.nodes.m.itemStates[1]).toMatchObject({ state: "failed", error: { kind: "timeout" } });
  });

  it("keeps each map item's tokens apart", () => {
    const s = applyEvents(initRun(), [
      ev(1, "node.started", "m", { attempt: 1, items: 2 }),
      ev(2, "node.started", "m", { attempt: 1 }, 0),
      ev(3, "node.started", "m", { attempt: 1 }, 1),
      ev(4, "node.token", "m", { text: "a1 ", attempt: 1 }, 0),
      ev(5, "node.token", "m", { text: "b1 ", attempt: 1 }, 1),
      ev(6, "node.token", "m", { text: "a2", attempt: 1 }, 0),
    ]);
    expect(s.nodes.m.itemStates[0].tokens).toBe("a1 a2");
    expect(s.nodes.m.itemStates[1].tokens).toBe("b1 ");
    expect(s.nodes.m.lastItem).toBe(0);
    expect(s.nodes.m.tokens).toBe("");
  });

  it("marks running nodes cancelled when the run is cancelled", () => {
    const s = applyEvents(initRun(), [ev(1, "node.started", "a", { attempt: 1 }), ev(2, "run.finished", null, { status: "cancelled" })]);
    expect(s.status).toBe("cancelled");
    expect(s.nodes.a.state).toBe("cancelled");
  });
  describe("voided tokens", () => {
    it("discards what the attempt streamed so far and keeps what follows", () => {
      const s = applyEvents(initRun(), [
        ev(1, "node.started", "a", { attempt: 1 }),
        ev(2, "node.token", "a", { text: "The quick br", attempt: 1 }),
        ev(3, "node.token", "a", { text: "", attempt: 1, void: true }),
        ev(4, "node.token", "a", { text: "The quick brown fox", attempt: 1 }),
      ]);
      expect(s.nodes.a).toMatchObject({ state: "running", attempt: 1, tokens: "The quick brown fox" });
    });

    it("keeps the text carried by a voiding event (coalesced deltas)", () => {
      const s = applyEvents(initRun(), [
        ev(1, "node.started", "a", { attempt: 1 }),
        ev(2, "node.token", "a", { text: "cut", attempt: 1 }),
        ev(3, "node.token", "a", { text: "fresh", attempt: 1, void: true }),
      ]);
      expect(s.nodes.a.tokens).toBe("fresh");
    });

    it("ignores a void from a superseded attempt", () => {
      const s = applyEvents(initRun(), [
        ev(1, "node.started", "a", { attempt: 1 }),
        ev(2, "node.failed", "a", { attempt: 1, error: { kind: "provider", message: "x" }, will_retry: true }),
        ev(3, "node.started", "a", { attempt: 2 }),
        ev(4, "node.token", "a", { text: "second", attempt: 2 }),
        ev(5, "node.token", "a", { text: "", attempt: 1, void: true }),
      ]);
      expect(s.nodes.a.tokens).toBe("second");
    });

    it("voids only the map item it names", () => {
      const s = applyEvents(initRun(), [
        ev(1, "node.started", "m", { attempt: 1, items: 2 }),
        ev(2, "node.started", "m", { attempt: 1 }, 0),
        ev(3, "node.started", "m", { attempt: 1 }, 1),
        ev(4, "node.token", "m", { text: "a-cut", attempt: 1 }, 0),
        ev(5, "node.token", "m", { text: "b-kept", attempt: 1 }, 1),
        ev(6, "node.token", "m", { text: "", attempt: 1, void: true }, 0),
        ev(7, "node.token", "m", { text: "a-ok", attempt: 1 }, 0),
      ]);
      expect(s.nodes.m.itemStates[0].tokens).toBe("a-ok");
      expect(s.nodes.m.itemStates[1].tokens).toBe("b-kept");
      expect(s.nodes.m.tokens).toBe("");
    });

    it("does not void node-level tokens from an item event", () => {
      const s = applyEvents(initRun(), [
        ev(1, "node.started", "m", { attempt: 1 }),
        ev(2, "node.token", "m", { text: "whole", attempt: 1 }),
        ev(3, "node.token", "m", { text: "", attempt: 1, void: true }, 0),
      ]);
      expect(s.nodes.m.tokens).toBe("whole");
    });

    it("applies a void that arrives after a gap only in seq order", () => {
      let s = applyEvents(initRun(), [ev(1, "node.started", "a", { attempt: 1 }), ev(3, "node.token", "a", { text: "", attempt: 1, void: true })]);
      expect(gapAfter(s)).toBe(1);
      s = applyEvents(s, [ev(2, "node.token", "a", { text: "lost", attempt: 1 }), ev(4, "node.token", "a", { text: "kept", attempt: 1 })]);
      expect(s.nodes.a.tokens).toBe("kept");
    });
  });

  it("drops late tokens of a map item's failed attempt until it restarts", () => {
    const s = applyEvents(initRun(), [
      ev(1, "node.started", "m", { attempt: 1 }, 0),
      ev(2, "node.token", "m", { text: "x", attempt: 1 }, 0),
      ev(3, "node.failed", "m", { attempt: 1, error: { kind: "timeout", message: "t" }, will_retry: true }, 0),
      ev(4, "node.token", "m", { text: "late", attempt: 1 }, 0),
    ]);
    expect(s.nodes.m.itemStates[0]).toMatchObject({ state: "running", tokens: "" });
  });
});
