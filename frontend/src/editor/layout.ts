/**
 * A small layered DAG layout: longest-path layers left to right, then a few barycenter sweeps
 * to reduce crossings. Pure; returns a position per node id.
 */
export interface LayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  gapX: number;
  gapY: number;
  sweeps: number;
}

const DEFAULTS: LayoutOptions = { nodeWidth: 220, nodeHeight: 110, gapX: 80, gapY: 40, sweeps: 4 };

export function layeredLayout(
  nodeIds: readonly string[],
  edges: readonly { source: string; target: string }[],
  opts: Partial<LayoutOptions> = {},
): Record<string, { x: number; y: number }> {
  const o = { ...DEFAULTS, ...opts };
  const ids = new Set(nodeIds);
  const preds = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  const succs = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  for (const e of edges) {
    if (!ids.has(e.source) || !ids.has(e.target) || e.source === e.target) continue;
    succs.get(e.source)!.push(e.target);
    preds.get(e.target)!.push(e.source);
  }
  // Kahn's order; nodes left over (a cycle) are appended so layout never fails.
  const indeg = new Map(nodeIds.map((id) => [id, preds.get(id)!.length]));
  const queue = nodeIds.filter((id) => indeg.get(id) === 0);
  const order: string[] = [];
  while (queue.length) {
    const n = queue.shift()!;
    order.push(n);
    for (const m of succs.get(n)!) {
      indeg.set(m, indeg.get(m)! - 1);
      if (indeg.get(m) === 0) queue.push(m);
    }
  }
  for (const id of nodeIds) if (!order.includes(id)) order.push(id);

  const layer = new Map<string, number>();
  for (const n of order) {
    let l = 0;
    for (const p of preds.get(n)!) if (layer.has(p)) l = Math.max(l, layer.get(p)! + 1);
    layer.set(n, l);
  }
  const layers: string[][] = [];
  for (const n of order) (layers[layer.get(n)!] ??= []).push(n);

  const pos = new Map<string, number>();
  const index = () => layers.forEach((ls) => ls.forEach((n, i) => pos.set(n, i)));
  index();
  const bary = (n: string, nb: Map<string, string[]>) => {
    const ns = nb.get(n)!.filter((m) => pos.has(m));
    return ns.length ? ns.reduce((a, m) => a + pos.get(m)!, 0) / ns.length : pos.get(n)!;
  };
  for (let s = 0; s < o.sweeps; s++) {
    const down = s % 2 === 0;
    const seq = down ? layers.slice(1) : layers.slice(0, -1).reverse();
    for (const ls of seq) {
      const key = new Map(ls.map((n) => [n, bary(n, down ? preds : succs)]));
      ls.sort((a, b) => key.get(a)! - key.get(b)!);
      ls.forEach((n, i) => pos.set(n, i));
    }
  }

  const tallest = Math.max(1, ...layers.map((l) => l.length));
  const out: Record<string, { x: number; y: number }> = {};
  layers.forEach((ls, li) => {
    const offset = ((tallest - ls.length) * (o.nodeHeight + o.gapY)) / 2;
    ls.forEach((n, i) => {
      out[n] = { x: li * (o.nodeWidth + o.gapX), y: offset + i * (o.nodeHeight + o.gapY) };
    });
  });
  return out;
}
