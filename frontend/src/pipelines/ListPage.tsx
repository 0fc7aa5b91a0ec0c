/**
 * Pipeline list: the workspace picker (`?workspace=<id>`, all workspaces without it), search,
 * last run status, create, import, rename, duplicate, delete, open; the template gallery.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { pipelinesApi } from "./api";
import type { PipelineSummary } from "../shared/api/types";
import { TemplateGallery } from "./templates/Gallery";
import { toast } from "../shared/ui/toast";
import { Dialog } from "../shared/ui/Dialog";
import { timeAgo } from "../shared/ui/format";
import { teamApi, type PipelineWithUnbound, type WorkspaceInfo } from "../team/api";
import { NewWorkspaceDialog } from "../team/NewWorkspaceDialog";
import { unboundMessage, workspaceFromQuery } from "../team/logic";
import "../team/team.css";

const NEW_WORKSPACE = "__new__";

export function ListPage() {
  const [q, setQ] = useState("");
  const [items, setItems] = useState<PipelineSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<PipelineSummary | null>(null);
  const [deleting, setDeleting] = useState<PipelineSummary | null>(null);
  const [workspaces, setWorkspaces] = useState<WorkspaceInfo[] | null>(null);
  const [wsId, setWsId] = useState<number | null>(() => workspaceFromQuery(location.search, null));
  const [newWorkspace, setNewWorkspace] = useState(false);
  const [imported, setImported] = useState<{ pipeline?: PipelineWithUnbound; error?: string } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    teamApi.workspaces().then((ws) => {
      setWorkspaces(ws);
      // An unknown or foreign ?workspace= falls back to all workspaces.
      setWsId(workspaceFromQuery(location.search, ws));
    }, () => setWorkspaces([]));
  }, []);

  const reload = useCallback(async (query: string) => {
    try {
      setItems(await pipelinesApi.list(query, wsId));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [wsId]);

  const current = workspaces?.find((w) => w.id === wsId);
  const personal = workspaces?.find((w) => w.personal);
  // Where new and imported pipelines go: the picked workspace, else the personal one.
  const target = current ?? personal;
  const canEdit = !target || target.role !== "viewer";
  const wsName = (id: string | number) => workspaces?.find((w) => String(w.id) === String(id))?.name;

  function pickWorkspace(value: string) {
    if (value === NEW_WORKSPACE) {
      setNewWorkspace(true);
      return;
    }
    const id = value ? Number(value) : null;
    setWsId(id);
    history.replaceState(null, "", id === null ? location.pathname : `${location.pathname}?workspace=${id}`);
  }

  async function importFile(file: File) {
    if (!target) return;
    try {
      const pipeline = await teamApi.importPipeline(target.id, await file.text());
      setImported({ pipeline });
      toast(`Imported “${pipeline.name}”.`, "success");
      void reload(q);
    } catch (e) {
      setImported({ error: `${file.name}: ${(e as Error).message}` });
    }
  }

  useEffect(() => {
    const t = setTimeout(() => void reload(q), q ? 200 : 0);
    return () => clearTimeout(t);
  }, [q, reload]);

  async function duplicate(p: PipelineSummary) {
    try {
      await pipelinesApi.duplicate(p.id);
      toast(`Duplicated “${p.name}”.`, "success");
      void reload(q);
    } catch (e) {
      toast((e as Error).message, "error");
    }
  }

  return (
    <main className="list-page">
      <div className="list-head">
        <h1>Pipelines</h1>
        {workspaces && (
          <select className="input ws-select" aria-label="Workspace" value={wsId ?? ""} onChange={(e) => pickWorkspace(e.target.value)}>
            <option value="">All workspaces</option>
            {workspaces.map((w) => (
              <option key={w.id} value={w.id}>{w.personal ? `${w.name} (personal)` : w.name}</option>
            ))}
            <option value={NEW_WORKSPACE}>New workspace…</option>
          </select>
        )}
        {current && <span className="badge" title="Your role in this workspace">{current.role}</span>}
        {current && <a className="btn btn-small" href={`/workspaces/${current.id}/settings/`} title="Members, invitations and activity">Settings</a>}
        <input
          type="search"
          className="input search"
          placeholder="Search pipelines"
          aria-label="Search pipelines"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <button className="btn" disabled={!canEdit} onClick={() => fileInput.current?.click()}
          title={`Import a pipeline exported as JSON into ${target ? target.name : "your workspace"}`}>
          Import pipeline
        </button>
        <input ref={fileInput} type="file" accept=".json,application/json" hidden data-testid="import-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = "";
            if (f) void importFile(f);
          }} />
        <button className="btn btn-primary" disabled={!canEdit} onClick={() => setCreating(true)}>
          New pipeline
        </button>
      </div>
      {imported?.error && (
        <p className="error-text import-result" role="alert">Could not import {imported.error}</p>
      )}
      {imported?.pipeline && (
        <div className="import-result secret-once" role="status" data-testid="import-result">
          <p>
            Imported <a href={`/pipelines/${imported.pipeline.id}/`}>{imported.pipeline.name}</a>
            {wsName(imported.pipeline.workspace) ? ` into ${wsName(imported.pipeline.workspace)}` : ""}.
          </p>
          {unboundMessage(imported.pipeline.unbound_credentials) && (
            <p className="small" data-testid="unbound">{unboundMessage(imported.pipeline.unbound_credentials)}</p>
          )}
          <button className="btn btn-small" onClick={() => setImported(null)}>Dismiss</button>
        </div>
      )}
      {error && <p className="error-text" role="alert">Could not load pipelines: {error}</p>}
      {items === null && !error && <p className="muted">Loading…</p>}
      {items && items.length === 0 && (
        <div className="empty">
          <p>{q ? "No pipeline matches your search." : "No pipelines yet."}</p>
          {!q && (
            <button className="btn btn-primary" onClick={() => setCreating(true)}>
              Create your first pipeline
            </button>
          )}
        </div>
      )}
      {items && items.length > 0 && (
        <table className="table pipelines">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Last run</th>
              <th scope="col">Nodes</th>
              <th scope="col">Updated</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id}>
                <td>
                  <a className="pipeline-name" href={`/pipelines/${p.id}/`}>
                    {p.name}
                  </a>
                  {p.description && <div className="muted small">{p.description}</div>}
                  {wsId === null && workspaces && workspaces.length > 1 && wsName(p.workspace) && (
                    <div className="muted small">in {wsName(p.workspace)}</div>
                  )}
                </td>
                <td>
                  {p.last_run ? (
                    <a href={`/runs/${p.last_run.id}/`} className={`status status-${p.last_run.status}`}>
                      {p.last_run.status}
                    </a>
                  ) : (
                    <span className="muted">never run</span>
                  )}
                </td>
                <td>{p.node_count}</td>
                <td title={p.updated_at}>
                  {timeAgo(p.updated_at)}
                  {p.updated_by ? <span className="muted"> by {p.updated_by}</span> : null}
                </td>
                <td className="row-actions">
                  <a className="btn btn-small" href={`/pipelines/${p.id}/`}>
                    Open
                  </a>
                  <button className="btn btn-small" onClick={() => setRenaming(p)} aria-label={`Rename ${p.name}`}>
                    Rename
                  </button>
                  <button className="btn btn-small" onClick={() => void duplicate(p)} aria-label={`Duplicate ${p.name}`}>
                    Duplicate
                  </button>
                  <button className="btn btn-small btn-danger" onClick={() => setDeleting(p)} aria-label={`Delete ${p.name}`}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!q && <TemplateGallery workspace={target?.id} canEdit={canEdit} onCreated={() => void reload(q)} />}
      {creating && <CreateDialog workspace={target?.id} onClose={() => setCreating(false)} />}
      {newWorkspace && <NewWorkspaceDialog onClose={() => setNewWorkspace(false)} />}
      {renaming && (
        <RenameDialog
          pipeline={renaming}
          onClose={() => setRenaming(null)}
          onDone={() => {
            setRenaming(null);
            void reload(q);
          }}
        />
      )}
      {deleting && (
        <Dialog title="Delete pipeline" onClose={() => setDeleting(null)}>
          <p>
            Delete <strong>{deleting.name}</strong> with its versions and runs? This cannot be undone.
          </p>
          <div className="dialog-actions">
            <button className="btn" onClick={() => setDeleting(null)} autoFocus>
              Cancel
            </button>
            <button
              className="btn btn-danger"
              onClick={async () => {
                try {
                  await pipelinesApi.remove(deleting.id);
                  toast(`Deleted “${deleting.name}”.`, "success");
                } catch (e) {
                  toast((e as Error).message, "error");
                }
                setDeleting(null);
                void reload(q);
              }}
            >
              Delete
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}

function CreateDialog({ workspace, onClose }: { workspace?: number; onClose(): void }) {
  const [name, setName] = useState("Untitled pipeline");
  const [description, setDescription] = useState("");
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title="New pipeline" onClose={onClose}>
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          try {
            const body = { name: name.trim() || "Untitled pipeline", description, ...(workspace ? { workspace } : {}) };
            const p = await pipelinesApi.create(body);
            location.assign(`/pipelines/${p.id}/`);
          } catch (err) {
            toast((err as Error).message, "error");
            setBusy(false);
          }
        }}
      >
        <label className="field">
          <span>Name</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} autoFocus required />
        </label>
        <label className="field">
          <span>Description</span>
          <input className="input" value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Create
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RenameDialog({ pipeline, onClose, onDone }: { pipeline: PipelineSummary; onClose(): void; onDone(): void }) {
  const [name, setName] = useState(pipeline.name);
  return (
    <Dialog title="Rename pipeline" onClose={onClose}>
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await pipelinesApi.patch(pipeline.id, { name: name.trim() });
            onDone();
          } catch (err) {
            toast((err as Error).message, "error");
          }
        }}
      >
        <label className="field">
          <span>Name</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} autoFocus required />
        </label>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary">
            Rename
          </button>
        </div>
      </form>
    </Dialog>
  );
}
