/** Pure edits of the graph document. Every function returns a new document. */
import type { GraphDoc, GraphEdge, GraphNode } from "../shared/api/types";

export const emptyGraph = (): GraphDoc => ({ schema: 1, nodes: [], edges: [] });

let counter = 0;
export function newId(prefix: string, taken: ReadonlySet<string> = new Set()): string {
  for (;;) {
    counter = (counter + 1) % 1e6;
    const id = `${prefix}_${Date.now().toString(36).slice(-4)}${Math.random().toString(36).slice(2, 6)}${counter.toString(36)}`;
    if (!taken.has(id)) return id;
  }
}

/** Normalise a document loaded from the server (fills optional fields). */
export function normalize(doc: Partial<GraphDoc> | null | undefined): GraphDoc {
  return {
    schema: 1,
    nodes: (doc?.nodes ?? []).map((n) => ({
      ...n,
      label: n.label ?? "",
      config: n.config ?? {},
      position: n.position ?? { x: 0, y: 0 },
      map: n.map ?? null,
      timeout_s: n.timeout_s ?? null,
      retry: n.retry ?? null,
    })),
    edges: doc?.edges ?? [],
  };
}

export function addNode(doc: GraphDoc, node: GraphNode): GraphDoc {
  return { ...doc, nodes: [...doc.nodes, node] };
}

export function updateNode(doc: GraphDoc, id: string, patch: Partial<GraphNode>): GraphDoc {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, ...patch } : n)) };
}

/** Pin a node's recorded outputs of `runId` (later runs reuse them), or unpin with null. */
export function pinNode(doc: GraphDoc, id: string, runId: string | number | null): GraphDoc {
  const node = doc.nodes.find((n) => n.id === id);
  if (!node || String(node.pinned?.run ?? "") === String(runId ?? "")) return doc;
  if (runId === null) {
    const { pinned: _pin, ...rest } = node;
    return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? rest : n)) };
  }
  return updateNode(doc, id, { pinned: { run: Number(runId) || runId } });
}

export function moveNodes(doc: GraphDoc, positions: Record<string, { x: number; y: number }>): GraphDoc {
  return { ...doc, nodes: doc.nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id] } : n)) };
}

export function removeItems(doc: GraphDoc, nodeIds: Iterable<string>, edgeIds: Iterable<string> = []): GraphDoc {
  const ns = new Set(nodeIds);
  const es = new Set(edgeIds);
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !ns.has(n.id)),
    edges: doc.edges.filter((e) => !es.has(e.id) && !ns.has(e.source) && !ns.has(e.target)),
  };
}

export function addEdge(doc: GraphDoc, e: Omit<GraphEdge, "id">): GraphDoc {
  const id = newId("e", new Set(doc.edges.map((x) => x.id)));
  return { ...doc, edges: [...doc.edges, { id, ...e }] };
}

// ---------------------------------------------------------------- clipboard

export interface ClipboardPayload {
  fomo: "graph";
  schema: 1;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The selected nodes and the edges among them, as graph JSON for the clipboard. */
export function copySelection(doc: GraphDoc, nodeIds: Iterable<string>): ClipboardPayload {
  const ids = new Set(nodeIds);
  return {
    fomo: "graph",
    schema: 1,
    nodes: doc.nodes.filter((n) => ids.has(n.id)),
    edges: doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
  };
}

export function parseClipboard(text: string): ClipboardPayload | null {
  try {
    const data = JSON.parse(text);
    if (data && Array.isArray(data.nodes) && Array.isArray(data.edges) && (data.fomo === "graph" || data.schema === 1)) {
      return { fomo: "graph", schema: 1, nodes: data.nodes, edges: data.edges };
    }
  } catch {
    /* not ours */
  }
  return null;
}

/** Paste with fresh ids, offset positions; returns the new doc and the pasted node ids. */
export function pasteInto(doc: GraphDoc, clip: ClipboardPayload, offset = { x: 40, y: 40 }): { doc: GraphDoc; ids: string[] } {
  const taken = new Set(doc.nodes.map((n) => n.id));
  const rename = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const id = newId("n", taken);
    taken.add(id);
    rename.set(n.id, id);
    // A pin names a run of the pipeline it was copied from: a pasted node starts unpinned.
    const { pinned: _pin, ...copy } = normalize({ nodes: [n] }).nodes[0];
    return { ...copy, id, position: { x: (n.position?.x ?? 0) + offset.x, y: (n.position?.y ?? 0) + offset.y } };
  });
  const edgeIds = new Set(doc.edges.map((e) => e.id));
  const edges = clip.edges
    .filter((e) => rename.has(e.source) && rename.has(e.target))
    .map((e) => {
      const id = newId("e", edgeIds);
      edgeIds.add(id);
      return { ...e, id, source: rename.get(e.source)!, target: rename.get(e.target)! };
    });
  return { doc: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] }, ids: nodes.map((n) => n.id) };
}
