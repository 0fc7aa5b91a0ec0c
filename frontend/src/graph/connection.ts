/**
 * Pure connection checking. Ports are looked up by (node id, handle id) where the handle id
 * is the port name; types come from the catalog (or the node's dynamic ports), never from ids.
 */
import type { GraphEdge, MapSpec, PortSpec } from "../shared/api/types";
import { compatible, listOf } from "./portTypes";

export interface NodePorts {
  inputs: PortSpec[];
  outputs: PortSpec[];
}

export interface ConnectionWorld {
  /** Ports of a node by id, or undefined for an unknown node. */
  portsOf(nodeId: string): NodePorts | undefined;
  /** The node's map spec (null when not mapped). */
  mapOf(nodeId: string): MapSpec | null;
  edges: readonly GraphEdge[];
}

export interface Connection {
  source: string | null;
  sourceHandle: string | null;
  target: string | null;
  targetHandle: string | null;
}

export type Check = { ok: true } | { ok: false; reason: string };

/** The type a node's output port carries: a mapped node emits a list of its outputs. */
export function effectiveOutputType(port: PortSpec, map: MapSpec | null): string {
  return map ? listOf(port.type) : port.type;
}

/** The type an input port accepts: the mapped input accepts a list of its item type. */
export function effectiveInputType(port: PortSpec, map: MapSpec | null): string {
  return map && map.port === port.name ? listOf(port.type) : port.type;
}

function reaches(edges: readonly GraphEdge[], from: string, to: string): boolean {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    const list = out.get(e.source);
    if (list) list.push(e.target);
    else out.set(e.source, [e.target]);
  }
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === to) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const m of out.get(n) ?? []) stack.push(m);
  }
  return false;
}

export function checkConnection(world: ConnectionWorld, c: Connection): Check {
  const { source, target, sourceHandle, targetHandle } = c;
  if (!source || !target || !sourceHandle || !targetHandle) return { ok: false, reason: "Connect an output port to an input port." };
  if (source === target) return { ok: false, reason: "A node cannot feed itself." };
  const sp = world.portsOf(source);
  const tp = world.portsOf(target);
  if (!sp || !tp) return { ok: false, reason: "Unknown node." };
  const out = sp.outputs.find((p) => p.name === sourceHandle);
  if (!out) return { ok: false, reason: `Output “${sourceHandle}” does not exist.` };
  const inp = tp.inputs.find((p) => p.name === targetHandle);
  if (!inp) return { ok: false, reason: `Input “${targetHandle}” does not exist.` };

  const from = effectiveOutputType(out, world.mapOf(source));
  const to = effectiveInputType(inp, world.mapOf(target));
  if (!compatible(from, to)) {
    return { ok: false, reason: `Type mismatch: “${out.name}” gives ${from}, “${inp.name}” takes ${to}.` };
  }
  const existing = world.edges.filter((e) => e.target === target && e.target_port === targetHandle);
  if (existing.some((e) => e.source === source && e.source_port === sourceHandle)) {
    return { ok: false, reason: "These ports are already connected." };
  }
  if (!inp.many && existing.length > 0) {
    return { ok: false, reason: `Input “${inp.name}” takes one connection; remove the existing one first.` };
  }
  if (reaches(world.edges, target, source)) return { ok: false, reason: "That connection would create a cycle." };
  return { ok: true };
}
