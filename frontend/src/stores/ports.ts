/** Ports per node: the catalog's static ports, or the dynamic ones fetched for the node's config. */
import { create } from "zustand";
import type { GraphNode, PortSpec } from "../api/types";
import type { NodePorts } from "../lib/connection";
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

export function portsFor(node: GraphNode | undefined, dynamic = usePorts.getState().dynamic, byType = useCatalog.getState().byType): NodePorts | undefined {
  if (!node) return undefined;
  const d = dynamic[node.id];
  if (d) return d;
  const spec = byType[node.type];
  return spec ? { inputs: spec.inputs, outputs: spec.outputs } : { inputs: NONE, outputs: NONE };
}
