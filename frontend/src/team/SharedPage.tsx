/**
 * /share/<token>/: a pipeline shown read-only to anyone holding the link. The canvas of the draft
 * and, when the link includes them, its runs: opening one shows its recorded trace (node states,
 * timeline, inspector) on the run's own graph. Logged-in visitors can duplicate it into a
 * workspace of theirs; anonymous ones log in first and come back. Everything comes from the
 * link's own API (credentials stripped there) and the catalog the page carries: no call here
 * needs, or could use, any other access.
 */
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect, useState } from "react";
import type { Catalog, GraphDoc, PortSpec, RunDetail } from "../shared/api/types";
import { Canvas } from "../editor/canvas/Canvas";
import { normalize } from "../graph/graphOps";
import { Inspector } from "../run/Inspector";
import { Timeline } from "../run/Timeline";
import { ValueView } from "../run/ValueView";
import { useCatalog } from "../graph/catalog";
import { useGraph } from "../graph/graphStore";
import { portsKey, usePorts } from "../graph/nodePorts";
import { useRun } from "../run/runStore";
import { useSelection } from "../graph/selection";
import { toast } from "../shared/ui/toast";
import { duration, money, timeAgo } from "../shared/ui/format";
import { teamApi, type SharedView } from "./api";
import { liveFromDetail, shareTokenFromPath, unboundMessage } from "./logic";
import "./team.css";

interface Boot {
  catalog: Catalog;
  ports: Record<string, { inputs: PortSpec[]; outputs: PortSpec[] }>;
}

function readBoot(): Boot | null {
  const el = document.getElementById("fomo-boot");
  try {
    return el?.textContent ? (JSON.parse(el.textContent) as Boot) : null;
  } catch {
    return null;
  }
}

/** Shows `graph` on the canvas; the draft's ports go to the nodes whose config they were computed for. */
function showGraph(name: string, graph: GraphDoc, draft: GraphDoc, boot: Boot | null) {
  const drafted = new Map(draft.nodes.map((n) => [n.id, portsKey(n)]));
  usePorts.getState().reset();
  for (const n of graph.nodes) {
    const ports = boot?.ports[n.id];
    if (ports && drafted.get(n.id) === portsKey(n)) usePorts.getState().setDynamic(n.id, "shared", ports);
  }
  useSelection.getState().clear();
  useGraph.getState().load(null, name, graph, true);
}

export default function SharedPage({ username }: { username: string }) {
  const token = shareTokenFromPath(location.pathname);
  const [view, setView] = useState<SharedView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [boot] = useState(readBoot);

  useEffect(() => {
    if (boot) useCatalog.setState({ catalog: boot.catalog, byType: Object.fromEntries(boot.catalog.node_types.map((t) => [t.type, t])), error: null });
    if (!token) return;
    teamApi.shared(token).then(
      (v) => {
        const draft = normalize(v.pipeline.graph);
        showGraph(v.pipeline.name, draft, draft, boot);
        setView({ ...v, pipeline: { ...v.pipeline, graph: draft } });
        document.title = `${v.pipeline.name} (shared) · fomo`;
      },
      (e) => setError((e as Error).message),
    );
    return () => useRun.getState().stop();
  }, [token, boot]);

  if (!token) return <main className="page-error">No share link in the address.</main>;
  if (error) return <main className="page-error" role="alert">This share link does not work: {error}</main>;
  if (!view) return <div className="loading" role="status">Loading the shared pipeline…</div>;
  return (
    <ReactFlowProvider>
      <SharedLayout token={token} view={view} boot={boot} loggedIn={!!username} />
    </ReactFlowProvider>
  );
}

function SharedLayout({ token, view, boot, loggedIn }: { token: string; view: SharedView; boot: Boot | null; loggedIn: boolean }) {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [busy, setBusy] = useState(false);
  const live = useRun((s) => s.live);
  const p = view.pipeline;

  async function openRun(id: string | number) {
    try {
      const detail = await teamApi.sharedRun(token, id);
      showGraph(p.name, normalize(detail.graph), p.graph, boot);
      // A recorded trace: the store shows it without any event stream; the inspector's refresh
      // reads the same record again through the link.
      useRun.getState().stop();
      useRun.setState({ runId: String(detail.id), live: liveFromDetail(detail), detail, connected: false, refreshDetail: async () => undefined });
      setRun(detail);
    } catch (e) {
      toast((e as Error).message, "error");
    }
  }

  function closeRun() {
    useRun.getState().stop();
    showGraph(p.name, p.graph, p.graph, boot);
    setRun(null);
  }

  async function duplicate() {
    if (!loggedIn) {
      location.assign(`/login/?next=${encodeURIComponent(location.pathname)}`);
      return;
    }
    setBusy(true);
    try {
      const copy = await teamApi.duplicateShared(token);
      const note = unboundMessage(copy.unbound_credentials);
      toast(note ? `Duplicated. ${note}` : "Duplicated into your workspace.", "success");
      location.assign(`/pipelines/${copy.id}/`);
    } catch (e) {
      toast((e as Error).message, "error");
      setBusy(false);
    }
  }

  return (
    <div className="editor shared-page">
      <div className="toolbar">
        <strong>{p.name}</strong>
        <span className="badge" title="Anyone with this link sees the pipeline; nobody can change it here">Read-only · shared</span>
        <span className="muted small">{p.latest_version ? `version ${p.latest_version}, ` : ""}updated {timeAgo(p.updated_at)}{view.expires_at ? ` · link expires ${timeAgo(view.expires_at)}` : ""}</span>
        <span className="toolbar-sep" />
        <button className="btn btn-primary" onClick={() => void duplicate()} disabled={busy}
          title={loggedIn ? "Copy it into a workspace of yours, to edit and run it" : "Log in, then copy it into your workspace"}>
          {loggedIn ? "Duplicate into my workspace" : "Log in to duplicate"}
        </button>
      </div>
      <div className="editor-body run-body">
        <Canvas key={run ? `run-${run.id}` : "draft"} readOnly />
        <aside className="side" aria-label="Shared pipeline details">
          <div className="panel-body">
            {run ? (
              <div data-testid="shared-run">
                <p><button className="btn btn-small" onClick={closeRun}>← The pipeline</button></p>
                <h2>
                  Run {String(run.id)} <span className={`status status-${run.status}`} data-testid="run-status">{run.status}</span>
                </h2>
                <p className="muted small">
                  {run.version ? `version ${run.version}` : "the draft"}, {timeAgo(run.created_at)} · {duration(run.duration_ms)} · {run.usage?.total_tokens ?? 0} tokens · {money(run.cost)}
                </p>
                <h2>Inputs</h2>
                {Object.entries(run.inputs ?? {}).map(([k, v]) => <ValueView key={k} label={k} value={v} />)}
                {run.outputs && (
                  <div data-testid="run-outputs">
                    <h2>Outputs</h2>
                    {Object.entries(run.outputs).map(([k, v]) => <ValueView key={k} label={k} value={v} />)}
                  </div>
                )}
                <h2>Timeline</h2>
                <Timeline live={live} />
              </div>
            ) : (
              <>
                {p.description && <p>{p.description}</p>}
                <p className="muted small">Click a node to see its settings on the canvas; credentials are never shared.</p>
                {view.include_runs ? (
                  <>
                    <h2>Runs</h2>
                    {(view.runs ?? []).length === 0 && <p className="muted small">No runs yet.</p>}
                    <ul className="shared-runs" aria-label="Runs">
                      {(view.runs ?? []).map((r) => (
                        <li key={r.id}>
                          <span className={`status status-${r.status}`}>{r.status}</span>
                          <button className="btn btn-small" onClick={() => void openRun(r.id)}>Run {String(r.id)}</button>
                          <span className="muted small">{timeAgo(r.created_at)} · {duration(r.duration_ms)}</span>
                        </li>
                      ))}
                    </ul>
                  </>
                ) : (
                  <p className="muted small">This link shows the pipeline only, not its runs.</p>
                )}
              </>
            )}
          </div>
          {run && <Inspector />}
        </aside>
      </div>
    </div>
  );
}
