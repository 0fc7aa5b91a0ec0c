/** A workspace's documents and vector collections: their routes, and what an upload may be. */
import { request } from "../../shared/api/client";

const enc = encodeURIComponent;

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

export const documentsApi = {
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
