/** Pure helpers of the team and sharing pages (tested in logic.test.ts). */
import type { NodeRun, RunDetail } from "../shared/api/types";
import { blankNode, initRun, type RunLive } from "../run/runEvents";
import type { Role, WorkspaceInfo } from "./api";

export type LinkStatus = "active" | "expired" | "revoked";

/** An invite or share link's state; `now` decides expiry when the server's flag is stale. */
export function linkStatus(link: { revoked: boolean; expired?: boolean; expires_at: string | null }, now = Date.now()): LinkStatus {
  if (link.revoked) return "revoked";
  if (link.expired || (link.expires_at && Date.parse(link.expires_at) <= now)) return "expired";
  return "active";
}

/** The absolute address of a share link's page (the API answers `/api/share/<token>`). */
export function sharePageUrl(origin: string, token: string): string {
  return `${origin}/share/${encodeURIComponent(token)}/`;
}

/** The token of a `/share/<token>/` page path, or null. */
export function shareTokenFromPath(path: string): string | null {
  const m = /^\/share\/([^/]+)\/?$/.exec(path);
  return m ? decodeURIComponent(m[1]) : null;
}

/** The workspace id of a `/workspaces/<id>/settings/` path, or null. */
export function settingsWorkspaceFromPath(path: string): number | null {
  const m = /^\/workspaces\/(\d+)\/settings\/?$/.exec(path);
  return m ? Number(m[1]) : null;
}

/** The workspace the list page shows: `?workspace=<id>` when it is one of the user's, else null (all). */
export function workspaceFromQuery(search: string, workspaces: readonly WorkspaceInfo[] | null): number | null {
  const raw = new URLSearchParams(search).get("workspace");
  if (!raw || !/^\d+$/.test(raw)) return null;
  const id = Number(raw);
  if (workspaces && !workspaces.some((w) => w.id === id)) return null;
  return id;
}

/** What the viewer of the settings page may do to one member row. */
export function memberActions(myRole: Role | undefined, me: string, member: { username: string }): { changeRole: boolean; remove: boolean; leave: boolean } {
  const self = member.username === me;
  const owner = myRole === "owner";
  return { changeRole: owner, remove: owner && !self, leave: self };
}

export const EXPIRY_CHOICES: { label: string; days: number | null }[] = [
  { label: "Never", days: null },
  { label: "7 days", days: 7 },
  { label: "30 days", days: 30 },
  { label: "90 days", days: 90 },
  { label: "1 year", days: 365 },
];

/** An ISO expiry `days` from now (undefined: never). */
export function expiresAt(days: number | null, now = Date.now()): string | undefined {
  return days ? new Date(now + days * 86_400_000).toISOString() : undefined;
}

/** "in 3 days", "2 hours ago"… for an expiry; "never" for none. */
export function expiryText(iso: string | null, now = Date.now()): string {
  if (!iso) return "never";
  const diff = Date.parse(iso) - now;
  const abs = Math.abs(diff);
  const [n, unit] = abs >= 86_400_000 ? [Math.round(abs / 86_400_000), "day"] : abs >= 3_600_000 ? [Math.round(abs / 3_600_000), "hour"] : [Math.max(1, Math.round(abs / 60_000)), "minute"];
  const span = `${n} ${unit}${n === 1 ? "" : "s"}`;
  return diff >= 0 ? `in ${span}` : `${span} ago`;
}

/** The next page's `before` cursor of the activity list, or null when this page was the last. */
export function nextBefore(rows: readonly { id: number }[], limit: number): number | null {
  return rows.length >= limit && rows.length ? rows[rows.length - 1].id : null;
}

/** One line naming the nodes whose credentials must be chosen again after an import or copy. */
export function unboundMessage(unbound: readonly { node: string; field?: string }[]): string | null {
  if (!unbound.length) return null;
  const nodes = [...new Set(unbound.map((u) => u.node))];
  return `Choose credentials again on ${nodes.length === 1 ? "node" : "nodes"} ${nodes.join(", ")}: credentials never travel with a pipeline.`;
}

/** A finished run's live view rebuilt from its recorded node runs (no event stream needed). */
export function liveFromDetail(detail: RunDetail): RunLive {
  const live = initRun();
  const nodes: RunLive["nodes"] = {};
  const byNode = new Map<string, NodeRun[]>();
  for (const r of detail.nodes) byNode.set(r.node_id, [...(byNode.get(r.node_id) ?? []), r]);
  for (const [id, records] of byNode) {
    const main = records.find((r) => r.item === null) ?? records[0];
    const items = records.filter((r) => r.item !== null);
    nodes[id] = {
      ...blankNode(),
      state: main.status,
      attempt: main.attempts,
      durationMs: main.duration_ms,
      startedAt: main.started_at ? Date.parse(main.started_at) / 1000 : null,
      finishedAt: main.finished_at ? Date.parse(main.finished_at) / 1000 : null,
      error: main.error,
      outputsPreview: main.outputs,
      usage: main.usage,
      cost: main.cost,
      items: items.length ? items.length : null,
    };
  }
  return {
    ...live,
    lastSeq: Math.max(1, detail.last_seq),
    status: detail.status,
    attempt: detail.attempt,
    durationMs: detail.duration_ms,
    startedAt: detail.started_at ? Date.parse(detail.started_at) / 1000 : null,
    finishedAt: detail.finished_at ? Date.parse(detail.finished_at) / 1000 : null,
    nodes,
    outputsPreview: detail.outputs,
    error: detail.error,
    usage: detail.usage,
    cost: detail.cost,
  };
}
