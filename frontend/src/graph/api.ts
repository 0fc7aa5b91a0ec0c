/** The node catalog's routes (docs/api.md): every node type with its schema, and a node's ports for a config. */
import { request } from "../shared/api/client";
import type { Catalog, PortSpec } from "../shared/api/types";

export const graphApi = {
  nodeTypes: () => request<Catalog>("GET", "/api/node-types"),
  /** The ports of a node whose ports depend on its config (template variables, router branches). */
  ports: (type: string, version: number, config: Record<string, unknown>) =>
    request<{ inputs: PortSpec[]; outputs: PortSpec[] }>("POST", "/api/node-types/ports", { type, version, config }),
};
