/** Ports per node: the catalog's static ports, or the dynamic ones fetched for the node's config. */
import { create } from "zustand";
import type { GraphNode, PortSpec } from "../shared/api/types";
import type { NodePorts } from "./connection";
import { useCatalog } from "./catalog";

interface PortsStore {
  /** Dynamic ports by node id, with the config key they were computed for. */
  dynamic: Record<string, NodePorts & { key: string }>;
  setDynamic(nodeId: string, key: string, ports: NodePorts): void;
  reset(): void;
}

export const usePorts = create<PortsStore>((set, get) => ({
  dynamic: {},
  setDynamic(nodeId, key, ports) {
    set({ dynamic: { ...get().dynamic, [nodeId]: { ...ports, key } } });
  },
  reset() {
    set({ dynamic: {} });
  },
}));

const NONE: PortSpec[] = [];

/**
 * What a node's dynamic ports are computed from (the ports route's inputs): its type, version and
 * config. Two nodes with the same key have the same ports; label, position and id do not count.
 */
export function portsKey(node: Pick<GraphNode, "type" | "version" | "config">): string {
  return JSON.stringify([node.type, node.version, node.config]);
}

export function portsFor(node: GraphNode | undefined, dynamic = usePorts.getState().dynamic, byType = useCatalog.getState().byType): NodePorts | undefined {
  if (!node) return undefined;
  const d = dynamic[node.id];
  if (d) return d;
  const spec = byType[node.type];
  return spec ? { inputs: spec.inputs, outputs: spec.outputs } : { inputs: NONE, outputs: NONE };
}

/**
 * Until a dynamic node's ports arrive from the server, take its ports from the edges that use
 * them (typed `any`), so a pipeline opens with every edge drawn instead of waiting on requests.
 */
export function provisionalPorts(
  nodes: readonly GraphNode[],
  edges: readonly { source: string; source_port: string; target: string; target_port: string }[],
  dynamic: PortsStore["dynamic"],
  byType: ReturnType<typeof useCatalog.getState>["byType"],
): Record<string, NodePorts> {
  const out: Record<string, NodePorts> = {};
  const pending = new Set(nodes.filter((n) => byType[n.type]?.dynamic_ports && !dynamic[n.id]).map((n) => n.id));
  if (!pending.size) return out;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const add = (id: string, name: string, dir: "inputs" | "outputs") => {
    if (!pending.has(id)) return;
    const spec = byType[byId.get(id)!.type]!;
    const cur = (out[id] ??= { inputs: [...spec.inputs], outputs: [...spec.outputs] });
    if (!cur[dir].some((p) => p.name === name)) cur[dir].push({ name, type: "any", required: false, many: false, description: "" });
  };
  for (const e of edges) {
    add(e.source, e.source_port, "outputs");
    add(e.target, e.target_port, "inputs");
  }
  return out;
}
