/**
 * A workspace's data: uploaded documents (upload .txt/.md/.pdf, list, delete) and its vector
 * collections (count, a sample of items with their metadata, delete).
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { toast } from "../../shared/ui/toast";
import { Dialog } from "../../shared/ui/Dialog";
import { timeAgo } from "../../shared/ui/format";
import {
  type CollectionInfo,
  type CollectionPage,
  documentsApi,
  type DocumentInfo,
  type QueryResult,
  formatBytes,
  UPLOAD_TYPES,
  uploadProblem,
} from "./documents";
import { workspaceFromPath } from "../workspacePath";
import { teamApi, type WorkspaceInfo } from "../../team/api";
import { WorkspaceBar } from "../WorkspaceBar";
import "../data.css";

type Deleting = { kind: "document"; doc: DocumentInfo } | { kind: "collection"; col: CollectionInfo };

export default function CollectionsPage() {
  const wsId = workspaceFromPath(location.pathname);
  const [workspaces, setWorkspaces] = useState<WorkspaceInfo[]>([]);
  const [docs, setDocs] = useState<DocumentInfo[] | null>(null);
  const [cols, setCols] = useState<CollectionInfo[] | null>(null);
  const [docError, setDocError] = useState<string | null>(null);
  const [colError, setColError] = useState<string | null>(null);
  const [uploadErrors, setUploadErrors] = useState<string[]>([]);
  const [uploading, setUploading] = useState(0);
  const [over, setOver] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Deleting | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const reload = useCallback(async () => {
    if (wsId === null) return;
    documentsApi.documents(wsId).then((d) => { setDocs(d); setDocError(null); }, (e) => setDocError((e as Error).message));
    documentsApi.collections(wsId).then((c) => { setCols(c); setColError(null); }, (e) => setColError((e as Error).message));
  }, [wsId]);

  useEffect(() => {
    void reload();
    teamApi.workspaces().then(setWorkspaces, () => undefined);
  }, [reload]);

  if (wsId === null) return <main className="page-error">No workspace in the address.</main>;
  const role = workspaces.find((w) => w.id === wsId)?.role;
  const canEdit = role === "owner" || role === "editor";
  const canDelete = canEdit;

  async function upload(files: FileList | File[]) {
    const problems: string[] = [];
    const ok: File[] = [];
    for (const f of Array.from(files)) {
      const p = uploadProblem(f.name, f.size);
      if (p) problems.push(p);
      else ok.push(f);
    }
    setUploadErrors(problems);
    setUploading(ok.length);
    for (const f of ok) {
      try {
        await documentsApi.uploadDocument(wsId!, f);
        toast(`Uploaded “${f.name}”.`, "success");
      } catch (e) {
        problems.push(`${f.name}: ${(e as Error).message}`);
        setUploadErrors([...problems]);
      }
      setUploading((n) => n - 1);
    }
    if (fileInput.current) fileInput.current.value = "";
    void reload();
  }

  return (
    <main className="list-page data-page">
      <WorkspaceBar title="Documents and collections" workspaces={workspaces} current={wsId}>
        <a href={`/workspaces/${wsId}/credentials/`}>Credentials</a>
      </WorkspaceBar>

      <h2 id="docs-title">Documents</h2>
      <p className="muted small">Text for Document nodes: uploaded .txt, .md and .pdf files (up to 10 MB, text extracted).</p>
      {canEdit && (
        <div className={`drop-zone${over ? " is-over" : ""}`}
          onDragOver={(e) => { e.preventDefault(); setOver(true); }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => { e.preventDefault(); setOver(false); void upload(e.dataTransfer.files); }}>
          <label className="btn btn-primary btn-small" htmlFor="doc-upload">Upload documents…</label>
          <input id="doc-upload" ref={fileInput} type="file" multiple accept={UPLOAD_TYPES.join(",")} className="sr-only"
            onChange={(e) => e.target.files && void upload(e.target.files)} />
          <span className="muted small">{uploading ? `Uploading ${uploading}…` : "or drop files here"}</span>
        </div>
      )}
      {uploadErrors.length > 0 && (
        <ul className="error-list" role="alert" aria-label="Upload problems">
          {uploadErrors.map((m, i) => <li key={i}>{m}</li>)}
        </ul>
      )}
      {docError && <p className="error-text" role="alert">Could not load the documents: {docError}</p>}
      {docs && docs.length === 0 && <p className="muted">No documents yet.</p>}
      {docs && docs.length > 0 && (
        <table className="table" aria-labelledby="docs-title">
          <thead>
            <tr><th scope="col">Name</th><th scope="col">Size</th><th scope="col">Kind</th><th scope="col">Added</th><th scope="col">Id</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
          </thead>
          <tbody>
            {docs.map((d) => (
              <tr key={d.id}>
                <td className="pipeline-name">{d.name}</td>
                <td>{formatBytes(d.size)}</td>
                <td>{d.source}</td>
                <td>{timeAgo(d.created_at)}{d.created_by ? <span className="muted"> by {d.created_by}</span> : null}</td>
                <td><code title="Use this id in a Document node">{d.id}</code></td>
                <td className="row-actions">
                  {canDelete && <button className="btn btn-small btn-danger" aria-label={`Delete ${d.name}`} onClick={() => setDeleting({ kind: "document", doc: d })}>Delete</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 id="cols-title">Vector collections</h2>
      <p className="muted small">Written by Vector upsert nodes, read by Vector query nodes. Collections belong to this workspace only.</p>
      {colError && <p className="error-text" role="alert">Could not load the collections: {colError}</p>}
      {cols && cols.length === 0 && <p className="muted">No collections yet. Run a pipeline with a Vector upsert node (the “Q&A over a document” template makes one).</p>}
      {cols && cols.length > 0 && (
        <table className="table" aria-labelledby="cols-title">
          <thead><tr><th scope="col">Name</th><th scope="col">Items</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {cols.map((c) => (
              <tr key={c.name} data-testid={`collection-${c.name}`}>
                <td className="pipeline-name">{c.name}</td>
                <td>{c.count}</td>
                <td className="row-actions">
                  <button className="btn btn-small" onClick={() => setOpen(c.name)} aria-label={`Open ${c.name}`}>Open</button>
                  {canDelete && <button className="btn btn-small btn-danger" aria-label={`Delete collection ${c.name}`} onClick={() => setDeleting({ kind: "collection", col: c })}>Delete</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {open && <PeekDialog ws={wsId} name={open} onClose={() => setOpen(null)} />}
      {deleting && (
        <Dialog title={deleting.kind === "document" ? "Delete document" : "Delete collection"} onClose={() => setDeleting(null)}>
          <p>
            {deleting.kind === "document"
              ? <>Delete <strong>{deleting.doc.name}</strong>? Document nodes that load it will fail.</>
              : <>Delete the collection <strong>{deleting.col.name}</strong> and its {deleting.col.count} items? Queries of it will fail until a pipeline writes it again.</>}
          </p>
          <div className="dialog-actions">
            <button className="btn" onClick={() => setDeleting(null)} autoFocus>Cancel</button>
            <button className="btn btn-danger" onClick={async () => {
              try {
                if (deleting.kind === "document") await documentsApi.deleteDocument(deleting.doc.id);
                else await documentsApi.deleteCollection(wsId, deleting.col.name);
                toast("Deleted.", "success");
              } catch (e) {
                toast((e as Error).message, "error");
              }
              setDeleting(null);
              void reload();
            }}>Delete</button>
          </div>
        </Dialog>
      )}
    </main>
  );
}

const PAGE = 20;

function PeekDialog({ ws, name, onClose }: { ws: number; name: string; onClose(): void }) {
  const [page, setPage] = useState<CollectionPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [offset, setOffset] = useState(0);
  const [query, setQuery] = useState("");
  const [k, setK] = useState(5);
  const [result, setResult] = useState<QueryResult | null>(null);
  const [queryError, setQueryError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);

  useEffect(() => {
    documentsApi.collection(ws, name, PAGE, offset).then(setPage, (e) => setError((e as Error).message));
  }, [ws, name, offset]);

  async function ask() {
    if (!query.trim()) return;
    setAsking(true);
    setQueryError(null);
    try {
      setResult(await documentsApi.queryCollection(ws, name, query.trim(), k));
    } catch (e) {
      setResult(null);
      setQueryError((e as Error).message);
    }
    setAsking(false);
  }

  const shown = result ? result.matches : page?.items ?? [];
  return (
    <Dialog title={`Collection “${name}”`} onClose={onClose} wide>
      {error && <p className="error-text" role="alert">{error}</p>}
      <form className="row query-form" onSubmit={(e) => { e.preventDefault(); void ask(); }}>
        <input className="input" aria-label="Test query" placeholder="Test query: text embedded with the local model" value={query}
          onChange={(e) => setQuery(e.target.value)} />
        <label className="small">k <input className="input k-input" type="number" min={1} max={50} value={k}
          onChange={(e) => setK(Math.max(1, Math.min(50, Number(e.target.value) || 1)))} /></label>
        <button className="btn btn-small btn-primary" type="submit" disabled={asking || !query.trim()}>{asking ? "Searching…" : "Search"}</button>
        {result && <button className="btn btn-small" type="button" onClick={() => setResult(null)}>Back to items</button>}
      </form>
      {queryError && <p className="error-text" role="alert">{queryError}</p>}
      {page && (
        <>
          <p className="muted small">
            {result
              ? `The ${result.matches.length} nearest of ${page.count} items to “${query}”, nearest first (cosine distance).`
              : `Items ${page.count ? offset + 1 : 0}–${offset + page.items.length} of ${page.count}. Vectors are not shown.`}
          </p>
          <div className="peek" aria-label={result ? "Matches" : "Items"}>
            {shown.map((it) => (
              <div className="peek-item" key={it.id}>
                <div className="peek-meta">
                  <code>{it.id}</code>
                  {"distance" in it && <span className="badge badge-map">distance {(it as { distance: number }).distance.toFixed(3)}</span>}
                  {Object.entries(it.metadata ?? {}).map(([key, v]) => (
                    <span className="badge" key={key}>{key}: {typeof v === "string" ? v : JSON.stringify(v)}</span>
                  ))}
                </div>
                <pre>{it.text ?? ""}</pre>
              </div>
            ))}
          </div>
          <div className="dialog-actions">
            {!result && (
              <>
                <button className="btn" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Previous</button>
                <button className="btn" disabled={offset + PAGE >= page.count} onClick={() => setOffset(offset + PAGE)}>Next</button>
              </>
            )}
            <button className="btn btn-primary" onClick={onClose}>Close</button>
          </div>
        </>
      )}
    </Dialog>
  );
}
