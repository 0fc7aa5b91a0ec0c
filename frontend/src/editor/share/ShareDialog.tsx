/**
 * Share: read-only links to the pipeline (optionally with its runs; revocable, may expire), export
 * as a JSON file (optionally with its versions), and move or copy it to another workspace the
 * user can edit. Credentials never travel: a copy elsewhere names the nodes to bind again.
 */
import { useCallback, useEffect, useState } from "react";
import type { Pipeline } from "../../shared/api/types";
import { toast } from "../../shared/ui/toast";
import { Dialog } from "../../shared/ui/Dialog";
import { timeAgo } from "../../shared/ui/format";
import { teamApi, type NewShareLink, type PipelineWithUnbound, type ShareLink, type WorkspaceInfo } from "../../team/api";
import { CopyField } from "../../shared/ui/CopyField";
import { expiryText, linkStatus, sharePageUrl, unboundMessage } from "../../team/logic";
import "../../team/team.css";

const LINK_EXPIRY: [string, number | null][] = [["never expires", null], ["expires in 1 day", 24], ["expires in 7 days", 168], ["expires in 30 days", 720]];

export function ShareDialog({ pipeline, onClose }: { pipeline: Pipeline; onClose(): void }) {
  const canEdit = pipeline.role !== "viewer";
  return (
    <Dialog title="Share" onClose={onClose} wide>
      <div className="share-dialog">
        {canEdit ? <ShareLinks pipelineId={pipeline.id} /> : (
          <section className="share-section"><p className="muted small">Viewers cannot create share links; ask an editor of this workspace.</p></section>
        )}
        <ExportSection pipelineId={pipeline.id} />
        <MoveCopy pipeline={pipeline} />
      </div>
    </Dialog>
  );
}

function ShareLinks({ pipelineId }: { pipelineId: string }) {
  const [items, setItems] = useState<ShareLink[] | null>(null);
  const [includeRuns, setIncludeRuns] = useState(false);
  const [hours, setHours] = useState<number | null>(null);
  const [made, setMade] = useState<NewShareLink | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const reload = useCallback(() => teamApi.shareLinks(pipelineId).then(setItems, (e) => setErr((e as Error).message)), [pipelineId]);
  useEffect(() => void reload(), [reload]);

  return (
    <section className="share-section" aria-label="Share links">
      <h3>Read-only link</h3>
      <p className="muted small">Anyone with the link sees the canvas{includeRuns ? " and the runs with their traces" : ""}, never credentials or anything else of this workspace. Logged-in visitors can duplicate it into their own workspace.</p>
      <form className="row" onSubmit={async (e) => {
        e.preventDefault();
        try {
          setMade(await teamApi.createShareLink(pipelineId, includeRuns, hours));
          setErr(null);
          void reload();
        } catch (x) {
          setErr((x as Error).message);
        }
      }}>
        <label className="row"><input type="checkbox" checked={includeRuns} onChange={(e) => setIncludeRuns(e.target.checked)} /> include runs</label>
        <select className="input" style={{ width: "auto" }} aria-label="Link expires" value={hours ?? ""} onChange={(e) => setHours(e.target.value ? Number(e.target.value) : null)}>
          {LINK_EXPIRY.map(([label, h]) => <option key={label} value={h ?? ""}>{label}</option>)}
        </select>
        <button type="submit" className="btn btn-primary">Create link</button>
      </form>
      {err && <p className="error-text" role="alert">{err}</p>}
      {made && (
        <div className="secret-once" data-testid="new-share-link">
          <p className="small">Copy the link now: it is shown only once (revoke it below at any time).</p>
          <CopyField label="Share link" value={sharePageUrl(location.origin, made.token)} />
        </div>
      )}
      {items && items.length > 0 && (
        <table className="table share-links" aria-label="Share link list">
          <thead><tr><th scope="col">Created</th><th scope="col">Runs</th><th scope="col">Expires</th><th scope="col">Status</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {items.map((l) => {
              const status = linkStatus(l);
              return (
                <tr key={l.id}>
                  <td>{timeAgo(l.created_at)}{l.created_by && <span className="muted"> by {l.created_by}</span>}</td>
                  <td>{l.include_runs ? "included" : "—"}</td>
                  <td>{expiryText(l.expires_at)}</td>
                  <td><span className={`badge link-${status}`}>{status}</span></td>
                  <td className="row-actions">
                    {status === "active" && (
                      <button className="btn btn-small btn-danger" onClick={() => teamApi.revokeShareLink(pipelineId, l.id).then(() => { toast("Link revoked.", "success"); void reload(); }, (e) => toast((e as Error).message, "error"))}>Revoke</button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ExportSection({ pipelineId }: { pipelineId: string }) {
  const [versions, setVersions] = useState(false);
  return (
    <section className="share-section" aria-label="Export">
      <h3>Export</h3>
      <div className="row">
        <label className="row"><input type="checkbox" checked={versions} onChange={(e) => setVersions(e.target.checked)} /> with its versions</label>
        <a className="btn" href={teamApi.exportUrl(pipelineId, versions)} download>Download JSON</a>
        <span className="muted small">Credentials are left out; import the file from any pipeline list.</span>
      </div>
    </section>
  );
}

function MoveCopy({ pipeline }: { pipeline: Pipeline }) {
  const [workspaces, setWorkspaces] = useState<WorkspaceInfo[] | null>(null);
  const [target, setTarget] = useState("");
  const [result, setResult] = useState<{ kind: "copied" | "moved"; pipeline: PipelineWithUnbound } | null>(null);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    teamApi.workspaces().then((ws) => {
      const editable = ws.filter((w) => w.role !== "viewer");
      setWorkspaces(editable);
      setTarget(String((editable.find((w) => String(w.id) !== String(pipeline.workspace)) ?? editable[0])?.id ?? ""));
    }, (e) => setErr((e as Error).message));
  }, [pipeline.workspace]);

  const here = String(target) === String(pipeline.workspace);
  const canMove = pipeline.role !== "viewer" && !here;
  async function go(kind: "copied" | "moved") {
    try {
      const out = kind === "copied" ? await teamApi.copy(pipeline.id, Number(target)) : await teamApi.move(pipeline.id, Number(target));
      setResult({ kind, pipeline: out });
      setErr(null);
    } catch (e) {
      setErr((e as Error).message);
    }
  }
  const name = (id: string | number) => workspaces?.find((w) => String(w.id) === String(id))?.name ?? `workspace ${id}`;

  return (
    <section className="share-section" aria-label="Move or copy">
      <h3>Move or copy to a workspace</h3>
      {workspaces && workspaces.length === 0 && <p className="muted small">You cannot edit any workspace.</p>}
      {workspaces && workspaces.length > 0 && (
        <div className="row">
          <select className="input" style={{ width: "auto" }} aria-label="Target workspace" value={target} onChange={(e) => setTarget(e.target.value)}>
            {workspaces.map((w) => <option key={w.id} value={w.id}>{w.personal ? `${w.name} (personal)` : w.name}{String(w.id) === String(pipeline.workspace) ? " (this one)" : ""}</option>)}
          </select>
          <button className="btn" onClick={() => void go("copied")} disabled={!target}>Copy</button>
          <button className="btn" onClick={() => void go("moved")} disabled={!canMove} title={here ? "It is already in this workspace" : "Move it with its versions and runs"}>Move</button>
        </div>
      )}
      {err && <p className="error-text" role="alert">{err}</p>}
      {result && (
        <div className="secret-once" role="status" data-testid="move-copy-result">
          <p className="small">
            {result.kind === "copied" ? "Copied" : "Moved"} to {name(result.pipeline.workspace)}:{" "}
            <a href={`/pipelines/${result.pipeline.id}/`}>open {result.pipeline.name}</a>
            {result.kind === "moved" && " (reload to continue here)"}.
          </p>
          {unboundMessage(result.pipeline.unbound_credentials) && <p className="small">{unboundMessage(result.pipeline.unbound_credentials)}</p>}
        </div>
      )}
    </section>
  );
}
