/** What is selected on the canvas, and which node the inspector/settings panel shows. */
import { create } from "zustand";

interface SelectionStore {
  nodes: string[];
  edges: string[];
  set(nodes: string[], edges?: string[]): void;
  clear(): void;
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export const useSelection = create<SelectionStore>((set, get) => ({
  nodes: [],
  edges: [],
  set(nodes, edges = []) {
    const s = get();
    if (same(s.nodes, nodes) && same(s.edges, edges)) return;
    set({ nodes, edges });
  },
  clear() {
    if (get().nodes.length || get().edges.length) set({ nodes: [], edges: [] });
  },
}));
