/** Header of a workspace page: title, the workspace picker (same page, other workspace), the settings link and sibling links. */
import type { ReactNode } from "react";
import type { WorkspaceInfo } from "../team/api";
import { pathForWorkspace } from "./workspacePath";

export function WorkspaceBar({ title, workspaces, current, children }: { title: string; workspaces: WorkspaceInfo[]; current: number; children?: ReactNode }) {
  const ws = workspaces.find((w) => w.id === current);
  return (
    <div className="list-head">
      <h1>{title}</h1>
      {workspaces.length > 1 ? (
        <select className="input ws-select" aria-label="Workspace" value={current}
          onChange={(e) => location.assign(pathForWorkspace(location.pathname, Number(e.target.value)))}>
          {workspaces.map((w) => (
            <option key={w.id} value={w.id}>{w.personal ? `${w.name} (personal)` : w.name}</option>
          ))}
        </select>
      ) : (
        ws && <span className="muted">{ws.name}</span>
      )}
      {ws && <span className="badge" title="Your role in this workspace">{ws.role}</span>}
      <span className="ws-links">
        {ws && !location.pathname.endsWith("/settings/") && (
          <a href={`/workspaces/${ws.id}/settings/`} title="Members, invitations and activity">Workspace settings</a>
        )}
        {children}
      </span>
    </div>
  );
}
