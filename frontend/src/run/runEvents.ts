/**
 * Pure reducer of a run's event stream. Events apply strictly in seq order: older or duplicate
 * seqs are ignored, early ones wait in `pending` until the gap fills (`gapAfter` tells the
 * caller to fetch the missing range). Tokens of an attempt that failed are voided, and so are
 * the tokens streamed so far in an attempt when a `node.token` carries `void: true` (the provider
 * retried the call after a cut stream, within the same attempt).
 */
import type { NodeErrorInfo, NodeState, RunEvent, RunStatus, Usage } from "../shared/api/types";

export interface ItemLive {
  state: NodeState;
  attempt: number;
  tokens: string;
  error: NodeErrorInfo | null;
  durationMs: number | null;
  willRetry: boolean;
}

export interface NodeLive {
  state: NodeState;
  attempt: number;
  tokens: string;
  startedAt: number | null; // event ts, seconds
  finishedAt: number | null;
  durationMs: number | null;
  items: number | null;
  itemStates: Record<number, ItemLive>;
  /** The map item that streamed last (its tokens are the ones worth showing). */
  lastItem: number | null;
  error: NodeErrorInfo | null;
  willRetry: boolean;
  reason: string | null;
  outputsPreview: unknown;
  usage: Partial<Usage> | null;
  cost: number | null;
}

export interface RunLive {
  lastSeq: number;
  status: RunStatus;
  attempt: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  nodes: Record<string, NodeLive>;
  resumed: string[];
  outputsPreview: unknown;
  error: unknown;
  usage: Partial<Usage> | null;
  cost: number | null;
  pending: RunEvent[];
}

export function initRun(): RunLive {
  return {
    lastSeq: 0,
    status: "queued",
    attempt: 0,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    nodes: {},
    resumed: [],
    outputsPreview: null,
    error: null,
    usage: null,
    cost: null,
    pending: [],
  };
}

export function blankNode(): NodeLive {
  return {
    state: "pending",
    attempt: 0,
    tokens: "",
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    items: null,
    itemStates: {},
    lastItem: null,
    error: null,
    willRetry: false,
    reason: null,
    outputsPreview: null,
    usage: null,
    cost: null,
  };
}

const tsSeconds = (ts: number | string): number => (typeof ts === "number" ? ts : Date.parse(ts) / 1000);

/** Tokens after one `node.token` payload: `void` discards what the attempt streamed so far. */
function streamed(tokens: string, p: Record<string, any>): string {
  return (p.void ? "" : tokens) + (p.text ?? "");
}

function applyItem(n: NodeLive, e: RunEvent): NodeLive {
  const idx = e.item as number;
  const prev: ItemLive = n.itemStates[idx] ?? { state: "pending", attempt: 0, tokens: "", error: null, durationMs: null, willRetry: false };
  const p = e.payload ?? {};
  let next: ItemLive = prev;
  switch (e.type) {
    case "node.started":
      next = { ...prev, state: "running", attempt: p.attempt ?? prev.attempt + 1, error: null, tokens: "", willRetry: false };
      break;
    case "node.finished":
      next = { ...prev, state: "succeeded", durationMs: p.duration_ms ?? null, willRetry: false };
      break;
    case "node.failed":
      next = {
        ...prev,
        state: p.will_retry ? "running" : "failed",
        error: p.error ?? null,
        durationMs: p.duration_ms ?? null,
        tokens: p.will_retry ? "" : prev.tokens,
        willRetry: !!p.will_retry,
      };
      break;
    case "node.skipped":
      next = { ...prev, state: (p.state as NodeState) ?? "skipped" };
      break;
    case "node.token": {
      // Tokens of an item's superseded attempt are dropped.
      const attempt = p.attempt ?? prev.attempt;
      if (attempt < prev.attempt || (prev.willRetry && attempt <= prev.attempt)) return n;
      next = { ...prev, tokens: streamed(prev.tokens, p) };
      return { ...n, lastItem: idx, itemStates: { ...n.itemStates, [idx]: next } };
    }
    default:
      return n;
  }
  return { ...n, itemStates: { ...n.itemStates, [idx]: next } };
}

function applyNode(n: NodeLive, e: RunEvent): NodeLive {
  const p = e.payload ?? {};
  const ts = tsSeconds(e.ts);
  if (e.item !== null && e.item !== undefined) return applyItem(n, e);
  switch (e.type) {
    case "node.started": {
      const attempt = p.attempt ?? n.attempt + 1;
      return {
        ...n,
        state: "running",
        attempt,
        tokens: "",
        startedAt: n.startedAt ?? ts,
        finishedAt: null,
        items: p.items ?? n.items,
        error: null,
        willRetry: false,
      };
    }
    case "node.token": {
      const attempt = p.attempt ?? n.attempt;
      if (attempt < n.attempt || (n.willRetry && attempt <= n.attempt)) return n; // superseded attempt
      return { ...n, tokens: streamed(n.tokens, p) };
    }
    case "node.finished":
      return {
        ...n,
        state: "succeeded",
        finishedAt: ts,
        durationMs: p.duration_ms ?? null,
        outputsPreview: p.outputs_preview ?? null,
        usage: p.usage ?? null,
        cost: p.cost ?? null,
        willRetry: false,
      };
    case "node.failed": {
      const retry = !!p.will_retry;
      return {
        ...n,
        state: retry ? "running" : "failed",
        error: p.error ?? null,
        durationMs: p.duration_ms ?? null,
        finishedAt: retry ? null : ts,
        willRetry: retry,
        tokens: retry ? "" : n.tokens,
      };
    }
    case "node.skipped":
      return { ...n, state: (p.state as NodeState) ?? "skipped", reason: p.reason ?? null, finishedAt: ts };
    default:
      return n;
  }
}

function applyOne(s: RunLive, e: RunEvent): RunLive {
  const p = e.payload ?? {};
  const next: RunLive = { ...s, lastSeq: e.seq };
  switch (e.type) {
    case "run.started":
      next.status = "running";
      next.attempt = p.attempt ?? s.attempt + 1;
      next.startedAt = s.startedAt ?? tsSeconds(e.ts);
      next.resumed = p.resumed ?? [];
      return next;
    case "run.finished":
      next.status = p.status ?? "succeeded";
      next.finishedAt = tsSeconds(e.ts);
      next.durationMs = p.duration_ms ?? null;
      next.outputsPreview = p.outputs_preview ?? null;
      next.error = p.error ?? null;
      next.usage = p.usage ?? null;
      next.cost = p.cost ?? null;
      // Nodes still open when the run ends were cancelled (or abandoned by the server).
      next.nodes = Object.fromEntries(
        Object.entries(s.nodes).map(([id, n]) =>
          n.state === "running" && next.status === "cancelled" ? [id, { ...n, state: "cancelled" as NodeState }] : [id, n],
        ),
      );
      return next;
    default: {
      if (!e.node_id) return next;
      const node = s.nodes[e.node_id] ?? blankNode();
      next.nodes = { ...s.nodes, [e.node_id]: applyNode(node, e) };
      return next;
    }
  }
}

/** Apply a batch (any order, duplicates allowed). Returns the same object when nothing changes. */
export function applyEvents(s: RunLive, events: readonly RunEvent[]): RunLive {
  const fresh = [...s.pending, ...events].filter((e) => e.seq > s.lastSeq);
  if (!fresh.length) return s.pending.length ? { ...s, pending: [] } : s;
  const bySeq = new Map<number, RunEvent>();
  for (const e of fresh) if (!bySeq.has(e.seq)) bySeq.set(e.seq, e);
  const ordered = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  let cur = s;
  const rest: RunEvent[] = [];
  for (const e of ordered) {
    if (e.seq === cur.lastSeq + 1) cur = applyOne(cur, e);
    else if (e.seq > cur.lastSeq + 1) rest.push(e);
  }
  return { ...cur, pending: rest };
}

/** Seq after which events are missing (a gap before buffered events), or null. */
export function gapAfter(s: RunLive): number | null {
  return s.pending.length ? s.lastSeq : null;
}

export const isTerminalRun = (st: RunStatus) => st === "succeeded" || st === "failed" || st === "cancelled";
