/**
 * Routes of the teams API (docs/api.md): workspaces, members, invite links, activity, API tokens,
 * share links, export/import, move/copy. Raw tokens come back once, in the create responses only.
 */
import { ApiError, readCookie, request } from "../api/client";
import type { GraphDoc, Pipeline, RunDetail, RunSummary } from "../api/types";
import type { WorkspaceInfo } from "../pages/dataPages";

export type Role = "owner" | "editor" | "viewer";
export const ROLES: Role[] = ["owner", "editor", "viewer"];

export interface Member {
  user_id: number;
  username: string;
  role: Role;
  joined_at: string;
}

export interface WorkspaceDetail extends WorkspaceInfo {
  members: Member[];
}

export interface Invite {
  id: number;
  workspace: number;
  role: Role;
  expires_at: string | null;
  revoked: boolean;
  expired: boolean;
  uses: number;
  created_at: string;
  created_by: string | null;
}

export interface NewInvite extends Invite {
  token: string;
  url: string;
}

export interface Activity {
  id: number;
  actor: string | null;
  verb: string;
  object_type: string;
  object_id: number | null;
  summary: string;
  count: number;
  created_at: string;
  updated_at: string;
}

export interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  workspace: number | null;
  expires_at: string | null;
  last_used_at: string | null;
  revoked: boolean;
  created_at: string;
}

export interface NewApiToken extends ApiToken {
  token: string;
}

export interface ShareLink {
  id: number;
  pipeline: number;
  include_runs: boolean;
  expires_at: string | null;
  revoked: boolean;
  expired: boolean;
  created_at: string;
  created_by: string | null;
}

export interface NewShareLink extends ShareLink {
  token: string;
}

export interface UnboundCredential {
  node: string;
  field?: string;
  [k: string]: unknown;
}

export type PipelineWithUnbound = Pipeline & { unbound_credentials: UnboundCredential[] };

export interface SharedView {
  pipeline: { name: string; description: string; graph: GraphDoc; updated_at: string; latest_version: number | null };
  include_runs: boolean;
  expires_at: string | null;
  runs?: RunSummary[];
}

const enc = encodeURIComponent;

export const teamApi = {
  workspaces: () => request<WorkspaceInfo[]>("GET", "/api/workspaces"),
  createWorkspace: (name: string) => request<WorkspaceInfo>("POST", "/api/workspaces", { name }),
  workspace: (ws: number) => request<WorkspaceDetail>("GET", `/api/workspaces/${ws}`),
  renameWorkspace: (ws: number, name: string) => request<WorkspaceInfo>("PATCH", `/api/workspaces/${ws}`, { name }),
  addMember: (ws: number, username: string, role: Role) =>
    request<Member>("POST", `/api/workspaces/${ws}/members`, { username, role }),
  changeRole: (ws: number, userId: number, role: Role) =>
    request<Member>("PATCH", `/api/workspaces/${ws}/members/${userId}`, { role }),
  removeMember: (ws: number, userId: number) => request<void>("DELETE", `/api/workspaces/${ws}/members/${userId}`),
  leave: (ws: number) => request<void>("POST", `/api/workspaces/${ws}/leave`),
  invites: (ws: number) => request<Invite[]>("GET", `/api/workspaces/${ws}/invites`),
  createInvite: (ws: number, role: Role, expiresInHours: number) =>
    request<NewInvite>("POST", `/api/workspaces/${ws}/invites`, { role, expires_in_hours: expiresInHours }),
  revokeInvite: (ws: number, id: number) => request<void>("DELETE", `/api/workspaces/${ws}/invites/${id}`),
  activity: (ws: number, before?: number, limit = 30) =>
    request<Activity[]>("GET", `/api/workspaces/${ws}/activity?limit=${limit}${before ? `&before=${before}` : ""}`),

  tokens: () => request<ApiToken[]>("GET", "/api/tokens"),
  createToken: (body: { name: string; expires_at?: string; workspace?: number }) =>
    request<NewApiToken>("POST", "/api/tokens", body),
  revokeToken: (id: number) => request<void>("DELETE", `/api/tokens/${id}`),

  shareLinks: (pipeline: string) => request<ShareLink[]>("GET", `/api/pipelines/${enc(pipeline)}/share-links`),
  createShareLink: (pipeline: string, includeRuns: boolean, expiresInHours: number | null) =>
    request<NewShareLink>("POST", `/api/pipelines/${enc(pipeline)}/share-links`,
      expiresInHours ? { include_runs: includeRuns, expires_in_hours: expiresInHours } : { include_runs: includeRuns }),
  revokeShareLink: (pipeline: string, id: number) =>
    request<void>("DELETE", `/api/pipelines/${enc(pipeline)}/share-links/${id}`),
  move: (pipeline: string, workspace: number) =>
    request<PipelineWithUnbound>("POST", `/api/pipelines/${enc(pipeline)}/move`, { workspace }),
  copy: (pipeline: string, workspace: number) =>
    request<PipelineWithUnbound>("POST", `/api/pipelines/${enc(pipeline)}/copy`, { workspace }),
  exportUrl: (pipeline: string, versions: boolean) => `/api/pipelines/${enc(pipeline)}/export${versions ? "?versions=1" : ""}`,
  /** The file's text goes as the request body, as is (the server validates it like a save). */
  importPipeline: async (ws: number, text: string): Promise<PipelineWithUnbound> => {
    const headers: Record<string, string> = { Accept: "application/json", "Content-Type": "application/json" };
    const csrf = readCookie("csrftoken");
    if (csrf) headers["X-CSRFToken"] = csrf;
    const res = await fetch(`/api/workspaces/${ws}/import`, { method: "POST", body: text, headers, credentials: "same-origin" });
    const data = await res.json().catch(() => null);
    if (!res.ok) {
      const err = data?.error;
      throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? res.statusText, err?.details);
    }
    return data as PipelineWithUnbound;
  },

  shared: (token: string) => request<SharedView>("GET", `/api/share/${enc(token)}`),
  sharedRun: (token: string, runId: string | number) => request<RunDetail>("GET", `/api/share/${enc(token)}/runs/${enc(String(runId))}`),
  duplicateShared: (token: string, workspace?: number) =>
    request<PipelineWithUnbound>("POST", `/api/share/${enc(token)}/duplicate`, workspace ? { workspace } : {}),
};
