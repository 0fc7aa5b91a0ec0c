/// <reference types="node" />
/**
 * The golden event sequences (tests/golden/run_events.json) against the canvas's projection of
 * a run's log; the server's projection (runs/sink.py) is checked against the same file by
 * tests/unit/test_golden_events.py.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { EventType, RunEvent } from "../shared/api/types";
import { applyEvents, initRun } from "./runEvents";

interface Want {
  state: string;
  attempts?: number;
  error_kind?: string;
}

interface GoldenCase {
  name: string;
  events: [EventType, string | null, number | null, Record<string, unknown>][];
  expect: { run: string; nodes: Record<string, Want>; items?: Record<string, Record<string, { state: string }>> };
}

const GOLDEN: { cases: GoldenCase[] } = JSON.parse(readFileSync(new URL("../../../tests/golden/run_events.json", import.meta.url), "utf8"));

const logOf = (c: GoldenCase): RunEvent[] =>
  c.events.map(([type, node_id, item, payload], i) => ({ seq: i + 1, type, node_id, item, payload, ts: 1000 + i }));

describe("the live view of each golden run log", () => {
  it("has cases to check", () => {
    expect(GOLDEN.cases.length).toBeGreaterThan(0);
  });

  for (const c of GOLDEN.cases) {
    it(`reaches the expected states: ${c.name}`, () => {
      const live = applyEvents(initRun(), logOf(c));
      expect(live.lastSeq).toBe(c.events.length);
      expect(live.status).toBe(c.expect.run);
      expect(Object.keys(live.nodes).sort()).toEqual(Object.keys(c.expect.nodes).sort());
      for (const [id, want] of Object.entries(c.expect.nodes)) {
        const node = live.nodes[id];
        expect(node.state, id).toBe(want.state);
        if (want.attempts !== undefined) expect(node.attempt, id).toBe(want.attempts);
        if (want.error_kind !== undefined) expect(node.error?.kind, id).toBe(want.error_kind);
      }
      for (const [id, items] of Object.entries(c.expect.items ?? {})) {
        for (const [item, want] of Object.entries(items)) expect(live.nodes[id].itemStates[Number(item)]?.state, `${id}[${item}]`).toBe(want.state);
      }
    });
  }

  it("reaches the same states whatever order the events arrive in", () => {
    for (const c of GOLDEN.cases) {
      const inOrder = applyEvents(initRun(), logOf(c));
      const shuffled = applyEvents(initRun(), [...logOf(c)].reverse());
      expect({ ...shuffled, pending: [] }, c.name).toEqual({ ...inOrder, pending: [] });
    }
  });
});
