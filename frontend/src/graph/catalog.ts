/** The node catalog from GET /api/node-types, indexed by type. */
import { create } from "zustand";
import { graphApi } from "./api";
import type { Catalog, NodeTypeSpec } from "../shared/api/types";

interface CatalogStore {
  catalog: Catalog | null;
  byType: Record<string, NodeTypeSpec>;
  error: string | null;
  load(): Promise<void>;
}

export const useCatalog = create<CatalogStore>((set, get) => ({
  catalog: null,
  byType: {},
  error: null,
  async load() {
    if (get().catalog) return;
    try {
      const catalog = await graphApi.nodeTypes();
      set({ catalog, byType: Object.fromEntries(catalog.node_types.map((t) => [t.type, t])), error: null });
    } catch (e) {
      set({ error: (e as Error).message });
    }
  },
}));
