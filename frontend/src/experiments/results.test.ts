import { describe, expect, it } from "vitest";
import type { Aggregate, Cell, Variant } from "./api";
import { cellKey, chartBars, disagrees, formatCost, formatScore, isTerminal, mergeCells, nextCursor, pollState, progressFraction, scorerKeys, shownScorerKeys, visibleRows } from "./results";

const cell = (row: number, variant: number, p: Partial<Cell> = {}): Cell => ({
  row, variant, run: row * 10 + variant, status: "succeeded", output: "x", scores: {}, duration_ms: 10, tokens: 5, cost: 0, error: null, ...p,
});
const agg = (variant: number, p: Partial<Aggregate> = {}): Aggregate => ({
  variant, mean_scores: {}, p50_ms: null, p95_ms: null, total_cost: null, cost_per_row: null, prompt_tokens: 0, completion_tokens: 0,
  judge_prompt_tokens: 0, judge_completion_tokens: 0, judge_cost: null, runs_succeeded: 0, runs_failed: 0, ...p,
});
const variants: Variant[] = [{ id: 1, name: "A", overrides: [] }, { id: 2, name: "B", overrides: [] }];

describe("scorer keys", () => {
  it("numbers a kind only when it repeats", () => {
    expect(scorerKeys([{ kind: "exact" }, { kind: "regex", pattern: "a" }, { kind: "regex", pattern: "b" }])).toEqual(["exact", "regex:1", "regex:2"]);
  });
  it("prefers the keys the server used", () => {
    expect(shownScorerKeys({ aggregates: [agg(1, { mean_scores: { "regex:0": 1 } })], scorers: [{ kind: "exact" }] }, [])).toEqual(["regex:0"]);
    expect(shownScorerKeys({ aggregates: [], scorers: [{ kind: "exact" }] }, [cell(1, 1, { scores: { contains: 1 } })])).toEqual(["contains"]);
    expect(shownScorerKeys({ aggregates: [], scorers: [{ kind: "exact" }] }, [])).toEqual(["exact"]);
    expect(shownScorerKeys({ aggregates: [agg(1, { mean_scores: { x: 1 } })], scorers: [], scorer_keys: ["judge:1", "judge:2"] }, [])).toEqual(["judge:1", "judge:2"]);
  });
});

describe("merging polled cells", () => {
  it("replaces a cell by (row, variant) and keeps the others", () => {
    const a = mergeCells(new Map(), [cell(1, 1, { status: "running" }), cell(1, 2)]);
    const b = mergeCells(a, [cell(1, 1, { output: "done" })]);
    expect(b.size).toBe(2);
    expect(b.get(cellKey(1, 1))?.output).toBe("done");
    expect(a.get(cellKey(1, 1))?.status).toBe("running");
  });
  it("moves a cell whose row was deleted since from its row id to its position", () => {
    const a = mergeCells(new Map(), [cell(7, 1, { row_position: 0 }), cell(8, 1, { row_position: 1 })]);
    const b = mergeCells(a, [cell(7, 1, { row: null, row_position: 0, output: "kept" })]);
    expect([...b.keys()].sort()).toEqual(["8:1", "pos0:1"]);
    expect(b.get("pos0:1")?.output).toBe("kept");
  });
  it("keys a cell of a deleted row by its position", () => {
    const m = mergeCells(new Map(), [cell(1, 1, { row: null, row_position: 4 }), cell(1, 2, { row: null, row_position: 5 })]);
    expect([...m.keys()]).toEqual(["pos4:1", "pos5:2"]);
  });
  it("advances the cursor to the newest updated_at, and keeps it without one", () => {
    expect(nextCursor(null, [cell(1, 1)])).toBeNull();
    expect(nextCursor("2026-01-01T00:00:01Z", [cell(1, 1, { updated_at: "2026-01-01T00:00:03Z" }), cell(1, 2, { updated_at: "2026-01-01T00:00:02Z" })])).toBe("2026-01-01T00:00:03Z");
    expect(nextCursor("2026-01-01T00:00:05Z", [cell(1, 1, { updated_at: "2026-01-01T00:00:03Z" })])).toBe("2026-01-01T00:00:05Z");
  });
});

describe("pollState", () => {
  it("keeps reading a cancelling experiment until the server reports it cancelled", () => {
    expect(pollState({ status: "running" })).toBe("live");
    expect(pollState({ status: "cancelling" })).toBe("live");
    expect(pollState({ status: "cancelled" })).toBe("done");
    expect(pollState({ status: "succeeded" })).toBe("done");
    expect(pollState({ status: "failed" })).toBe("done");
  });
  it("treats cancelling as not terminal", () => {
    expect(isTerminal("cancelling")).toBe(false);
    expect(isTerminal("cancelled")).toBe(true);
  });
});

describe("disagreement", () => {
  it("needs two finished cells", () => {
    expect(disagrees([cell(1, 1, { scores: { exact: 1 } }), cell(1, 2, { status: "running", scores: {} })], ["exact"])).toBe(false);
  });
  it("is a differing score on any scorer", () => {
    expect(disagrees([cell(1, 1, { scores: { exact: 1, contains: 1 } }), cell(1, 2, { scores: { exact: 1, contains: 0 } })], ["exact", "contains"])).toBe(true);
    expect(disagrees([cell(1, 1, { scores: { exact: 0.5 } }), cell(1, 2, { scores: { exact: 0.5 + 1e-9 } })], ["exact"])).toBe(false);
  });
  it("is one variant failing where another succeeded", () => {
    expect(disagrees([cell(1, 1), cell(1, 2, { status: "failed" })], ["exact"])).toBe(true);
  });
  it("compares trimmed outputs when there are no scorers", () => {
    expect(disagrees([cell(1, 1, { output: "yes " }), cell(1, 2, { output: "yes" })], [])).toBe(false);
    expect(disagrees([cell(1, 1, { output: "yes" }), cell(1, 2, { output: "no" })], [])).toBe(true);
  });
  it("filters rows", () => {
    const cells = mergeCells(new Map(), [cell(1, 1, { scores: { exact: 1 } }), cell(1, 2, { scores: { exact: 1 } }), cell(2, 1, { scores: { exact: 1 } }), cell(2, 2, { scores: { exact: 0 } })]);
    const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];
    expect(visibleRows(rows, cells, variants, ["exact"], true)).toEqual([{ id: 2 }]);
    expect(visibleRows(rows, cells, variants, ["exact"], false)).toHaveLength(3);
  });
});

describe("aggregates", () => {
  it("formats scores", () => {
    expect(formatScore(0.8333)).toBe("0.83");
    expect(formatScore(null)).toBe("—");
  });
  it("shows two significant digits of sub-cent costs", () => {
    expect(formatCost(0.0000042)).toBe("$0.0000042");
    expect(formatCost(0.00059)).toBe("$0.00059");
    expect(formatCost(0.001)).toBe("$0.0010");
    expect(formatCost(1.234)).toBe("$1.23");
    expect(formatCost(0)).toBe("$0");
    expect(formatCost(null)).toBe("—");
  });
  it("scales score bars to 1 and flags the best", () => {
    const bars = chartBars(variants, [agg(1, { mean_scores: { exact: 0.25 } }), agg(2, { mean_scores: { exact: 0.5 } })], { kind: "score", key: "exact" });
    expect(bars.map((b) => [b.label, b.fraction, b.best])).toEqual([["A", 0.25, false], ["B", 0.5, true]]);
  });
  it("flags the cheapest and fastest as best, none on a tie, and zero for missing", () => {
    const cost = chartBars(variants, [agg(1, { cost_per_row: 0.002 }), agg(2, { cost_per_row: 0.001 })], { kind: "cost_per_row" });
    expect(cost.map((b) => [b.fraction, b.best])).toEqual([[1, false], [0.5, true]]);
    const tie = chartBars(variants, [agg(1, { p50_ms: 10 }), agg(2, { p50_ms: 10 })], { kind: "p50" });
    expect(tie.some((b) => b.best)).toBe(false);
    const missing = chartBars(variants, [agg(1, { p95_ms: 30 })], { kind: "p95" });
    expect(missing.map((b) => [b.value, b.fraction])).toEqual([[30, 1], [null, 0]]);
  });
  it("counts failed and cancelled pairs as finished progress", () => {
    expect(progressFraction({ total: 40, done: 10, failed: 5, cancelled: 5 })).toBe(0.5);
    expect(progressFraction({ total: 0, done: 0, failed: 0, cancelled: 0 })).toBe(0);
  });
});
