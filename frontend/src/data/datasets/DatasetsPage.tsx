/** /datasets/: a workspace's datasets — list, create (paste, upload or empty), rename, delete, edit rows. */
import { useCallback, useEffect, useState } from "react";
import "./datasets.css";
import { DatasetEditor } from "./DatasetEditor";
import { NewDatasetDialog } from "./NewDatasetDialog";
import { datasetsApi, type DatasetSummary } from "./api";
import { teamApi, type WorkspaceInfo } from "../../team/api";
import { timeAgo } from "../../shared/ui/format";

function readQuery(): { workspace: string | null; dataset: string | null } {
  const q = new URLSearchParams(location.search);
  return { workspace: q.get("workspace"), dataset: q.get("dataset") };
}

function writeQuery(workspace: string | null, dataset: string | null) {
  const q = new URLSearchParams();
  if (workspace) q.set("workspace", workspace);
  if (dataset) q.set("dataset", dataset);
  const qs = q.toString();
  const next = `${location.pathname}${qs ? `?${qs}` : ""}`;
  if (next !== `${location.pathname}${location.search}`) history.replaceState(null, "", next);
}

export default function DatasetsPage() {
  const [workspaces, setWorkspaces] = useState<WorkspaceInfo[] | null>(null);
  const [workspace, setWorkspace] = useState<string | null>(() => readQuery().workspace);
  const [items, setItems] = useState<DatasetSummary[] | null>(null);
  const [selected, setSelected] = useState<string | null>(() => readQuery().dataset);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    const q = readQuery();
    // A link to one dataset (from an experiment) opens the workspace it belongs to.
    const owner = q.dataset && !q.workspace
      ? datasetsApi.get(q.dataset).then((d) => (d.workspace === undefined ? null : String(d.workspace)), () => null)
      : Promise.resolve(null);
    Promise.all([teamApi.workspaces(), owner]).then(
      ([ws, own]) => {
        setWorkspaces(ws);
        setWorkspace((cur) => {
          const want = own ?? cur;
          return want && ws.some((w) => String(w.id) === want) ? want : ws.length ? String(ws[0].id) : null;
        });
      },
      (e) => setError((e as Error).message),
    );
  }, []);

  const reload = useCallback(async () => {
    if (!workspace) return;
    try {
      setItems(await datasetsApi.list(workspace));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [workspace]);

  useEffect(() => {
    setItems(null);
    void reload();
  }, [reload]);

  useEffect(() => writeQuery(workspace, selected), [workspace, selected]);

  const role = workspaces?.find((w) => String(w.id) === workspace)?.role;
  const canEdit = role === "owner" || role === "editor";

  return (
    <main className="datasets-page">
      <section className="datasets-list" aria-label="Datasets">
        <div className="list-head">
          <h1>Datasets</h1>
          {canEdit && (
            <button className="btn btn-primary" onClick={() => setCreating(true)}>
              New dataset
            </button>
          )}
        </div>
        {workspaces && workspaces.length > 1 && (
          <div className="field">
            <label className="field-label" htmlFor="ds-workspace">Workspace</label>
            <select id="ds-workspace" className="input" value={workspace ?? ""} onChange={(e) => { setSelected(null); setWorkspace(e.target.value); }}>
              {workspaces.map((w) => (
                <option key={w.id} value={String(w.id)}>{w.name}{w.personal ? " (personal)" : ""} · {w.role}</option>
              ))}
            </select>
          </div>
        )}
        {error && <p className="error-text" role="alert">Could not load datasets: {error}</p>}
        {items === null && !error && <p className="muted">Loading…</p>}
        {items && items.length === 0 && (
          <div className="empty">
            <p>No datasets yet. A dataset holds rows of inputs (and optionally the expected output) to run experiments over.</p>
            {canEdit && <button className="btn btn-primary" onClick={() => setCreating(true)}>Create a dataset</button>}
          </div>
        )}
        {items && items.length > 0 && (
          <ul className="dataset-items">
            {items.map((d) => (
              <li key={d.id}>
                <button className={`dataset-item${String(d.id) === selected ? " is-current" : ""}`} aria-current={String(d.id) === selected} onClick={() => setSelected(String(d.id))}>
                  <span className="dataset-name">{d.name}</span>
                  <span className="muted small">
                    {d.row_count} row{d.row_count === 1 ? "" : "s"} · {d.columns.length ? d.columns.join(", ") : "no columns"} · {timeAgo(d.updated_at)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <p className="hint">Limits: 5,000 rows, 2 MB per file, 100 columns, 100,000 characters per cell.</p>
      </section>
      <section className="dataset-detail" aria-label="Dataset">
        {selected ? (
          <DatasetEditor
            key={selected}
            datasetId={selected}
            readOnly={!canEdit}
            onChanged={() => void reload()}
            onDeleted={() => {
              setSelected(null);
              void reload();
            }}
          />
        ) : (
          <div className="panel-body muted">
            <p>Pick a dataset to see and edit its rows, or create one by pasting CSV or JSONL, or uploading a file.</p>
          </div>
        )}
      </section>
      {creating && workspace && (
        <NewDatasetDialog
          workspace={workspace}
          onClose={() => setCreating(false)}
          onCreated={(d) => {
            setCreating(false);
            setSelected(String(d.id));
            void reload();
          }}
        />
      )}
    </main>
  );
}
