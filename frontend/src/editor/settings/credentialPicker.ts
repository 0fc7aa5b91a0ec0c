/** The workspace's stored credentials (id, name, provider, masked hint; never secrets), for pickers. */
import { create } from "zustand";
import type { CredentialInfo } from "../../shared/api/types";
import { credentialsApi } from "../../data/credentials/credentials";

interface CredentialsStore {
  workspace: string | null;
  list: CredentialInfo[] | null;
  load(workspace: string): Promise<void>;
}

export const useCredentials = create<CredentialsStore>((set, get) => ({
  workspace: null,
  list: null,
  async load(workspace) {
    if (get().workspace === workspace && get().list) return;
    set({ workspace, list: null });
    try {
      const list = await credentialsApi.list(workspace);
      if (get().workspace === workspace) set({ list });
    } catch {
      if (get().workspace === workspace) set({ list: [] });
    }
  },
}));

/** Node types whose credential is a header secret of an HTTP API (provider "http"). */
const HTTP_NODES = new Set(["http.request"]);
/** Node types that only ever call one provider. */
const FIXED_PROVIDER: Record<string, string> = { filter: "openai" };

/**
 * Credentials a node may use: those of its provider. A node without a provider set is offered
 * the providers it could call: an HTTP request node only http credentials, a model node every
 * provider but http (never a header secret meant for some other API).
 */
export function credentialsFor(list: readonly CredentialInfo[], provider: unknown, nodeType?: string): CredentialInfo[] {
  if (nodeType && HTTP_NODES.has(nodeType)) return list.filter((c) => c.provider === "http");
  const fixed = nodeType ? FIXED_PROVIDER[nodeType] : undefined;
  if (fixed) return list.filter((c) => c.provider === fixed);
  if (typeof provider === "string" && provider) return list.filter((c) => c.provider === provider);
  return list.filter((c) => c.provider !== "http");
}
