/**
 * Aligns the node records of two runs for a side-by-side view: one row per node id present in
 * either run's graph or records, in the order of run A's graph then B's extra nodes, with each
 * side's whole-node record (or null) and whether status, outputs or duration differ.
 */
import type { NodeRun, RunDetail } from "../shared/api/types";
import { sameValue } from "../shared/json";

export interface CompareRow {
  nodeId: string;
  label: string;
  a: NodeRun | null;
  b: NodeRun | null;
  sameStatus: boolean;
  sameOutputs: boolean;
  /** b's duration minus a's, when both have one. */
  durationDeltaMs: number | null;
}

type RunLike = Pick<RunDetail, "graph" | "nodes">;

function wholeRecords(run: RunLike): Map<string, NodeRun> {
  const out = new Map<string, NodeRun>();
  for (const r of run.nodes) if (r.item === null) out.set(r.node_id, r);
  return out;
}

/** A record's outputs, or for outputs left out of the detail for their size, their size and first characters. */
function comparableOutputs(r: NodeRun | null): unknown {
  const cut = r?.truncated?.outputs;
  return cut ? { truncated: cut.chars, head: cut.head } : (r?.outputs ?? null);
}

export function alignRuns(a: RunLike, b: RunLike): CompareRow[] {
  const ra = wholeRecords(a), rb = wholeRecords(b);
  const labels = new Map<string, string>();
  const order: string[] = [];
  const add = (id: string, label?: string) => {
    if (!labels.has(id)) order.push(id);
    if (label || !labels.has(id)) labels.set(id, label || labels.get(id) || id);
  };
  for (const run of [a, b]) {
    for (const n of run.graph?.nodes ?? []) add(n.id, n.label || n.type);
  }
  for (const id of [...ra.keys(), ...rb.keys()]) add(id);
  return order.map((nodeId) => {
    const x = ra.get(nodeId) ?? null, y = rb.get(nodeId) ?? null;
    return {
      nodeId,
      label: labels.get(nodeId) ?? nodeId,
      a: x,
      b: y,
      sameStatus: (x?.status ?? null) === (y?.status ?? null),
      sameOutputs: sameValue(comparableOutputs(x), comparableOutputs(y)),
      durationDeltaMs: x?.duration_ms != null && y?.duration_ms != null ? y.duration_ms - x.duration_ms : null,
    };
  });
}
