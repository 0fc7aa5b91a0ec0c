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

/**
 * Credentials a credential field may take. `only` is the field's own provider, when its schema
 * names one (`x-credential-provider`: an HTTP request's header secret is an "http" credential, a
 * moderation key an OpenAI one); else those of the provider chosen beside it. While none is
 * chosen, every model provider's but http (never a header secret meant for some other API).
 */
export function credentialsFor(list: readonly CredentialInfo[], provider: unknown, only?: string): CredentialInfo[] {
  if (only) return list.filter((c) => c.provider === only);
  if (typeof provider === "string" && provider) return list.filter((c) => c.provider === provider);
  return list.filter((c) => c.provider !== "http");
}
