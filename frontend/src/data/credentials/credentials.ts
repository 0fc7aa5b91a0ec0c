/**
 * A workspace's stored credentials: their routes, and the pure rules of the add-credential form.
 * Secrets go out in request bodies only; no response carries one back.
 */
import { request } from "../../shared/api/client";
import type { ProviderSpec } from "../../shared/api/types";

const enc = encodeURIComponent;

export interface StoredCredential {
  id: number;
  provider: string;
  hint: string;
  /** The rest is absent for viewers. */
  name?: string;
  base_url?: string | null;
  created_by?: string | null;
  updated_at?: string;
}

export interface CredentialDraft {
  provider: string;
  name: string;
  secret: string;
  base_url: string;
}

export const credentialsApi = {
  list: (ws: number | string) => request<StoredCredential[]>("GET", `/api/workspaces/${enc(String(ws))}/credentials`),
  create: (ws: number, body: CredentialDraft) => {
    const { base_url, ...rest } = body;
    return request<StoredCredential>("POST", `/api/workspaces/${ws}/credentials`, base_url.trim() ? { ...rest, base_url: base_url.trim() } : rest);
  },
  update: (id: number, body: { name?: string; secret?: string; base_url?: string }) =>
    request<StoredCredential>("PATCH", `/api/credentials/${id}`, body),
  remove: (id: number) => request<void>("DELETE", `/api/credentials/${id}`),
};

/** The provider "http": a secret that http.request sends in a header, only under its base URL. */
const HTTP_PROVIDER: ProviderSpec = { name: "http", title: "HTTP header (for HTTP request nodes)", chat: false, embeddings: false };

/** Providers a credential can be stored for: the catalog's keyed ones, plus http. */
export function credentialProviders(catalog: readonly ProviderSpec[]): ProviderSpec[] {
  return [...catalog.filter((p) => p.name !== "fake" && p.name !== "local"), HTTP_PROVIDER];
}

/** A stored key of these providers is only ever sent to the credential's base URL, so one is needed. */
export function needsBaseUrl(provider: string): boolean {
  return provider === "http" || provider === "openai_compatible";
}

/** Field errors of the add-credential form (empty when it can be sent). */
export function credentialErrors(d: CredentialDraft): Partial<Record<keyof CredentialDraft, string>> {
  const out: Partial<Record<keyof CredentialDraft, string>> = {};
  if (!d.provider) out.provider = "Choose a provider.";
  if (!d.name.trim()) out.name = "Give it a name.";
  if (!d.secret.trim()) out.secret = "Paste the secret.";
  const url = d.base_url.trim();
  if (url && !/^https?:\/\/[^\s/]+/i.test(url)) out.base_url = "Start with http:// or https://.";
  else if (!url && needsBaseUrl(d.provider)) out.base_url = "Needed: the secret is only ever sent to this URL.";
  return out;
}
