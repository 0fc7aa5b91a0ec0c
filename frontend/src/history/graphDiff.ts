/** Pure diff of two graph documents: nodes/edges added and removed, fields changed per node. */
import type { GraphDoc, GraphEdge, GraphNode } from "../shared/api/types";
import { sameValue } from "../shared/json";

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface NodeChange {
  id: string;
  label: string;
  changes: FieldChange[];
}

export interface GraphDiff {
  nodesAdded: GraphNode[];
  nodesRemoved: GraphNode[];
  nodesChanged: NodeChange[];
  edgesAdded: GraphEdge[];
  edgesRemoved: GraphEdge[];
}

const edgeKey = (e: GraphEdge) => `${e.source}.${e.source_port}→${e.target}.${e.target_port}`;

/** Changed config fields (one level deep: `config.template`) and other node settings; position is ignored. */
function nodeChanges(a: GraphNode, b: GraphNode): FieldChange[] {
  const out: FieldChange[] = [];
  const ca = a.config ?? {};
  const cb = b.config ?? {};
  for (const k of [...new Set([...Object.keys(ca), ...Object.keys(cb)])].sort()) {
    if (!sameValue(ca[k], cb[k])) out.push({ path: `config.${k}`, before: ca[k], after: cb[k] });
  }
  for (const k of ["type", "version", "label", "map", "timeout_s", "retry"] as const) {
    if (!sameValue(a[k] ?? null, b[k] ?? null)) out.push({ path: k, before: a[k], after: b[k] });
  }
  return out;
}

export function diffGraphs(before: GraphDoc, after: GraphDoc): GraphDiff {
  const A = new Map(before.nodes.map((n) => [n.id, n]));
  const B = new Map(after.nodes.map((n) => [n.id, n]));
  const nodesAdded = after.nodes.filter((n) => !A.has(n.id));
  const nodesRemoved = before.nodes.filter((n) => !B.has(n.id));
  const nodesChanged: NodeChange[] = [];
  for (const n of after.nodes) {
    const old = A.get(n.id);
    if (!old) continue;
    const changes = nodeChanges(old, n);
    if (changes.length) nodesChanged.push({ id: n.id, label: n.label || n.id, changes });
  }
  const EA = new Set(before.edges.map(edgeKey));
  const EB = new Set(after.edges.map(edgeKey));
  return {
    nodesAdded,
    nodesRemoved,
    nodesChanged,
    edgesAdded: after.edges.filter((e) => !EA.has(edgeKey(e))),
    edgesRemoved: before.edges.filter((e) => !EB.has(edgeKey(e))),
  };
}

export const isEmptyDiff = (d: GraphDiff) =>
  !d.nodesAdded.length && !d.nodesRemoved.length && !d.nodesChanged.length && !d.edgesAdded.length && !d.edgesRemoved.length;
