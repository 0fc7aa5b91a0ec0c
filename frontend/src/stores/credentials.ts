/** The workspace's stored credentials (id, name, provider, masked hint; never secrets), for pickers. */
import { create } from "zustand";
import { api } from "../api/endpoints";
import type { CredentialInfo } from "../api/types";

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
      const list = await api.credentials(workspace);
      if (get().workspace === workspace) set({ list });
    } catch {
      if (get().workspace === workspace) set({ list: [] });
    }
  },
}));

/** Credentials a node may use: those of its provider (all of them when no provider is set). */
export function credentialsFor(list: readonly CredentialInfo[], provider: unknown): CredentialInfo[] {
  return typeof provider === "string" && provider ? list.filter((c) => c.provider === provider) : [...list];
}
