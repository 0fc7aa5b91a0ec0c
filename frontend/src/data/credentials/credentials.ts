/**
 * Routes and pure helpers of the workspace pages (credentials; documents and collections).
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

export interface DocumentInfo {
  id: number;
  name: string;
  size: number;
  source: string;
  created_by: string | null;
  created_at: string;
}

export interface CollectionInfo {
  name: string;
  count: number;
}

export interface CollectionItem {
  id: string;
  text: string | null;
  metadata: Record<string, unknown> | null;
}

export interface CollectionPage {
  name: string;
  count: number;
  limit: number;
  offset: number;
  items: CollectionItem[];
}

export interface QueryMatch extends CollectionItem {
  distance: number;
}

export interface QueryResult {
  name: string;
  k: number;
  model: string;
  matches: QueryMatch[];
}

export const dataApi = {
  credentials: (ws: number | string) => request<StoredCredential[]>("GET", `/api/workspaces/${enc(String(ws))}/credentials`),
  createCredential: (ws: number, body: CredentialDraft) => {
    const { base_url, ...rest } = body;
    return request<StoredCredential>("POST", `/api/workspaces/${ws}/credentials`, base_url.trim() ? { ...rest, base_url: base_url.trim() } : rest);
  },
  updateCredential: (id: number, body: { name?: string; secret?: string; base_url?: string }) =>
    request<StoredCredential>("PATCH", `/api/credentials/${id}`, body),
  deleteCredential: (id: number) => request<void>("DELETE", `/api/credentials/${id}`),
  documents: (ws: number) => request<DocumentInfo[]>("GET", `/api/workspaces/${ws}/documents`),
  deleteDocument: (id: number) => request<void>("DELETE", `/api/documents/${id}`),
  uploadDocument: (ws: number, file: File) => {
    const form = new FormData();
    form.append("file", file);
    return request<DocumentInfo>("POST", `/api/workspaces/${ws}/documents`, form);
  },
  collections: (ws: number) => request<CollectionInfo[]>("GET", `/api/workspaces/${ws}/collections`),
  collection: (ws: number, name: string, limit = 20, offset = 0) =>
    request<CollectionPage>("GET", `/api/workspaces/${ws}/collections/${enc(name)}?limit=${limit}&offset=${offset}`),
  queryCollection: (ws: number, name: string, text: string, k: number) =>
    request<QueryResult>("POST", `/api/workspaces/${ws}/collections/${enc(name)}/query`, { text, k }),
  deleteCollection: (ws: number, name: string) => request<void>("DELETE", `/api/workspaces/${ws}/collections/${enc(name)}`),
};

/** The workspace id of a /workspaces/<id>/… page, or null. */
export function workspaceFromPath(path: string): number | null {
  const m = /^\/workspaces\/(\d+)\//.exec(path);
  return m ? Number(m[1]) : null;
}

/** The same page for another workspace. */
export function pathForWorkspace(path: string, ws: number): string {
  return path.replace(/^\/workspaces\/\d+\//, `/workspaces/${ws}/`);
}

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

export const UPLOAD_TYPES = [".txt", ".md", ".markdown", ".pdf"];
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** Why a file cannot be uploaded, or null when it can (the server checks again). */
export function uploadProblem(name: string, size: number): string | null {
  const lower = name.toLowerCase();
  if (!UPLOAD_TYPES.some((s) => lower.endsWith(s))) return `${name}: only .txt, .md and .pdf files can be uploaded.`;
  if (size > MAX_UPLOAD_BYTES) return `${name} is ${formatBytes(size)}; the limit is ${formatBytes(MAX_UPLOAD_BYTES)}.`;
  if (size === 0) return `${name} is empty.`;
  return null;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
