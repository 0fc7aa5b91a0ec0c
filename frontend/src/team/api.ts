/**
 * Routes of the teams API (docs/api.md): workspaces, members, invite links, activity, share links,
 * embed keys, export/import, move/copy. Raw tokens come back once, in the create responses only.
 */
import { request } from "../shared/api/client";
import type { GraphDoc, Pipeline, RunDetail, RunSummary } from "../shared/api/types";

export type Role = "owner" | "editor" | "viewer";
export const ROLES: Role[] = ["owner", "editor", "viewer"];

export interface WorkspaceInfo {
  id: number;
  name: string;
  personal: boolean;
  role: Role;
}

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

/** A publishable key of the chat widget: only this pipeline, only these origins, at most this rate. */
export interface EmbedKey {
  id: number;
  key: string;
  label: string;
  allowed_origins: string[];
  rate_per_minute: number;
  revoked: boolean;
  created_at: string;
  rotated_at: string | null;
  last_used_at: string | null;
  script: string;
  iframe: string;
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

  shareLinks: (pipeline: string) => request<ShareLink[]>("GET", `/api/pipelines/${enc(pipeline)}/share-links`),
  createShareLink: (pipeline: string, includeRuns: boolean, expiresInHours: number | null) =>
    request<NewShareLink>("POST", `/api/pipelines/${enc(pipeline)}/share-links`,
      expiresInHours ? { include_runs: includeRuns, expires_in_hours: expiresInHours } : { include_runs: includeRuns }),
  revokeShareLink: (pipeline: string, id: number) =>
    request<void>("DELETE", `/api/pipelines/${enc(pipeline)}/share-links/${id}`),
  embedKeys: (pipeline: string) => request<EmbedKey[]>("GET", `/api/pipelines/${enc(pipeline)}/embed-keys`),
  createEmbedKey: (pipeline: string, allowedOrigins: string[], ratePerMinute: number) =>
    request<EmbedKey>("POST", `/api/pipelines/${enc(pipeline)}/embed-keys`, { allowed_origins: allowedOrigins, rate_per_minute: ratePerMinute }),
  rotateEmbedKey: (pipeline: string, id: number) => request<EmbedKey>("POST", `/api/pipelines/${enc(pipeline)}/embed-keys/${id}/rotate`),
  revokeEmbedKey: (pipeline: string, id: number) => request<void>("DELETE", `/api/pipelines/${enc(pipeline)}/embed-keys/${id}`),
  move: (pipeline: string, workspace: number) =>
    request<PipelineWithUnbound>("POST", `/api/pipelines/${enc(pipeline)}/move`, { workspace }),
  copy: (pipeline: string, workspace: number) =>
    request<PipelineWithUnbound>("POST", `/api/pipelines/${enc(pipeline)}/copy`, { workspace }),
  exportUrl: (pipeline: string, versions: boolean) => `/api/pipelines/${enc(pipeline)}/export${versions ? "?versions=1" : ""}`,
  /** The file's text goes as the request body, as is (the server validates it like a save). */
  importPipeline: (ws: number, text: string) =>
    request<PipelineWithUnbound>("POST", `/api/workspaces/${ws}/import`, new Blob([text], { type: "application/json" })),

  shared: (token: string) => request<SharedView>("GET", `/api/share/${enc(token)}`),
  sharedRun: (token: string, runId: string | number) => request<RunDetail>("GET", `/api/share/${enc(token)}/runs/${enc(String(runId))}`),
  duplicateShared: (token: string, workspace?: number) =>
    request<PipelineWithUnbound>("POST", `/api/share/${enc(token)}/duplicate`, workspace ? { workspace } : {}),
};
