/** Pure logic of the experiment page: merging polled cells, disagreement, aggregates and chart bars. */
import type { Aggregate, Cell, ExperimentDetail, ExperimentStatus, ScorerSpec, Variant } from "./api";

export const cellKey = (row: number | string, variant: number | string) => `${row}:${variant}`;

/** A cell's row: its dataset row id, or its position once the row was deleted. */
export const cellRow = (c: Pick<Cell, "row" | "row_position">): number | string => c.row ?? `pos${c.row_position ?? "?"}`;

export function isTerminal(status: ExperimentStatus | string): boolean {
  return status === "succeeded" || status === "failed" || status === "cancelled";
}

/**
 * Whether to keep polling: `live` while running or cancelling (a cancel's running runs are still
 * stopping; the server reports `cancelled` only once every run has stopped); `done` once the
 * status is terminal, when nothing can change any more.
 */
export function pollState(d: { status: ExperimentStatus | string }): "live" | "done" {
  return isTerminal(d.status) ? "done" : "live";
}

/**
 * Cells keyed by (row, variant); later copies of a cell replace earlier ones. A cell whose row
 * was deleted since it was first seen (`row` now null) replaces its copy keyed by the old row id.
 */
export function mergeCells(into: Map<string, Cell>, cells: Cell[]): Map<string, Cell> {
  const next = new Map(into);
  let byPosition: Map<string, string> | null = null;
  for (const c of cells) {
    const key = cellKey(cellRow(c), c.variant);
    if (c.row === null && c.row_position !== undefined && !next.has(key)) {
      byPosition ??= new Map([...next].filter(([, old]) => old.row !== null).map(([k, old]) => [`${old.row_position}:${old.variant}`, k]));
      const stale = byPosition.get(`${c.row_position}:${c.variant}`);
      if (stale !== undefined) next.delete(stale);
    }
    next.set(key, c);
  }
  return next;
}

/**
 * The `cells_after` cursor for the next poll: the newest `updated_at` seen, or null when the
 * server does not send one (then the next poll asks for every cell).
 */
export function nextCursor(prev: string | null, cells: Cell[]): string | null {
  let best = prev;
  for (const c of cells) {
    if (!c.updated_at) continue;
    if (best === null || Date.parse(c.updated_at) > Date.parse(best)) best = c.updated_at;
  }
  return best;
}

/** Scorer keys as the server names them: `kind`, or `kind:n` (1-based among its kind) when a kind repeats. */
export function scorerKeys(scorers: ScorerSpec[]): string[] {
  const total: Record<string, number> = {};
  for (const s of scorers) total[s.kind] = (total[s.kind] ?? 0) + 1;
  const seen: Record<string, number> = {};
  return scorers.map((s) => {
    seen[s.kind] = (seen[s.kind] ?? 0) + 1;
    return total[s.kind] > 1 ? `${s.kind}:${seen[s.kind]}` : s.kind;
  });
}

/** The keys to show: those the server used (aggregates, then cells), else the ones derived from the scorers. */
export function shownScorerKeys(detail: Pick<ExperimentDetail, "aggregates" | "scorers" | "scorer_keys">, cells: Iterable<Cell>): string[] {
  const keys: string[] = [];
  const add = (k: string) => {
    if (!keys.includes(k)) keys.push(k);
  };
  if (detail.scorer_keys?.length) return [...detail.scorer_keys];
  for (const a of detail.aggregates ?? []) Object.keys(a.mean_scores ?? {}).forEach(add);
  for (const c of cells) Object.keys(c.scores ?? {}).forEach(add);
  if (!keys.length) scorerKeys(detail.scorers ?? []).forEach(add);
  return keys;
}

const SCORER_LABEL: Record<string, string> = {
  exact: "Exact match",
  contains: "Contains",
  regex: "Regex",
  json_field: "JSON field",
  similarity: "Similarity",
  judge: "LLM judge",
};

export function scorerLabel(key: string): string {
  const [kind, n] = key.split(":");
  return `${SCORER_LABEL[kind] ?? kind}${n ? ` ${n}` : ""}`;
}

const DONE = new Set(["succeeded", "failed"]);

/**
 * Whether the variants disagree on a row: among its finished cells (two at least), one succeeded
 * and another failed, or some scorer's scores differ by more than `tolerance`; with no scorers,
 * the trimmed outputs differ.
 */
export function disagrees(cells: Cell[], keys: string[], tolerance = 1e-6): boolean {
  const done = cells.filter((c) => DONE.has(c.status));
  if (done.length < 2) return false;
  if (new Set(done.map((c) => c.status)).size > 1) return true;
  const ok = done.filter((c) => c.status === "succeeded");
  if (keys.length) {
    for (const k of keys) {
      const vals = ok.map((c) => c.scores?.[k]).filter((v): v is number => typeof v === "number");
      if (vals.length >= 2 && Math.max(...vals) - Math.min(...vals) > tolerance) return true;
    }
    return false;
  }
  const outs = new Set(ok.map((c) => (typeof c.output === "string" ? c.output : JSON.stringify(c.output) ?? "").trim()));
  return outs.size > 1;
}

/** Row ids to show: all, or only those where the variants disagree. */
export function visibleRows<R extends { id: number | string }>(rows: R[], cells: Map<string, Cell>, variants: Variant[], keys: string[], onlyDisagree: boolean): R[] {
  if (!onlyDisagree) return rows;
  return rows.filter((r) => disagrees(variants.map((v) => cells.get(cellKey(r.id, v.id))).filter((c): c is Cell => !!c), keys));
}

/** A score in [0, 1] as text. */
export function formatScore(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  return v.toFixed(digits);
}

/** Dollars with two significant digits below a cent, so per-call costs of a cheap model do not read as $0.00000. */
export function formatCost(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  if (v === 0) return "$0";
  if (v >= 0.01) return `$${v.toFixed(v >= 100 ? 0 : 2)}`;
  const digits = Math.min(10, 1 - Math.floor(Math.log10(v)));
  return `$${v.toFixed(digits)}`;
}

export function formatTokens(n: number | null | undefined): string {
  if (n === null || n === undefined) return "—";
  return n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

export type Metric = { kind: "score"; key: string } | { kind: "p50" } | { kind: "p95" } | { kind: "cost_per_row" } | { kind: "total_cost" };

export function metricLabel(m: Metric): string {
  switch (m.kind) {
    case "score":
      return `Mean ${scorerLabel(m.key).toLowerCase()}`;
    case "p50":
      return "p50 latency";
    case "p95":
      return "p95 latency";
    case "cost_per_row":
      return "Cost per row";
    case "total_cost":
      return "Total cost";
  }
}

/** Whether a larger value of the metric is better (scores) or worse (latency, cost). */
const higherIsBetter = (m: Metric) => m.kind === "score";

function metricValue(a: Aggregate, m: Metric): number | null {
  switch (m.kind) {
    case "score":
      return a.mean_scores?.[m.key] ?? null;
    case "p50":
      return a.p50_ms;
    case "p95":
      return a.p95_ms;
    case "cost_per_row":
      return a.cost_per_row;
    case "total_cost":
      return a.total_cost;
  }
}

export interface Bar {
  variant: number | string;
  label: string;
  value: number | null;
  /** Bar length in [0, 1] of the largest value (scores: of 1). */
  fraction: number;
  best: boolean;
}

/** Bars of one metric per variant, in the variants' order; the best one flagged (ties: all). */
export function chartBars(variants: Variant[], aggregates: Aggregate[], m: Metric): Bar[] {
  const byVariant = new Map(aggregates.map((a) => [String(a.variant), a]));
  const values = variants.map((v) => {
    const a = byVariant.get(String(v.id));
    const x = a ? metricValue(a, m) : null;
    return typeof x === "number" && Number.isFinite(x) ? x : null;
  });
  const present = values.filter((x): x is number => x !== null);
  const max = m.kind === "score" ? Math.max(1, ...present) : Math.max(0, ...present);
  const best = present.length > 1 ? (higherIsBetter(m) ? Math.max(...present) : Math.min(...present)) : null;
  const allSame = present.length > 1 && present.every((x) => x === present[0]);
  return variants.map((v, i) => ({
    variant: v.id,
    label: v.name,
    value: values[i],
    fraction: values[i] === null || max <= 0 ? 0 : Math.max(0, values[i]! / max),
    best: best !== null && !allSame && values[i] === best,
  }));
}

/** The cell's error as one line of text. */
export function cellError(c: Cell): string {
  if (!c.error) return "";
  if (typeof c.error === "string") return c.error;
  return [c.error.kind, c.error.message].filter(Boolean).join(": ");
}

/** Progress as a fraction of finished (done, failed, cancelled) pairs. */
export function progressFraction(p: { total: number; done: number; failed: number; cancelled: number }): number {
  if (!p.total) return 0;
  return Math.min(1, (p.done + p.failed + p.cancelled) / p.total);
}
