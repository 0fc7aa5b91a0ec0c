/** Node inspector for the watched run: state, inputs, outputs, map items, error, attempts, usage, cost. */
import { useEffect, useState } from "react";
import { runsApi } from "./api";
import type { GraphDoc, NodeRun } from "../shared/api/types";
import { pinNode } from "../graph/graphOps";
import { reuseActions, reusedFrom } from "./reuse";
import { useGraph } from "../graph/graphStore";
import { useRun } from "./runStore";
import { useSelection } from "../graph/selection";
import { duration, money } from "../shared/ui/format";
import { startRunFromNode } from "./RunPanel";
import { ValueView } from "./ValueView";
import { usesOfflineModel } from "../editor/offlineModel";
import { OfflineNote } from "../editor/OfflineNote";

export function Inspector({ doc }: { doc?: GraphDoc }) {
  const selected = useSelection((s) => s.nodes);
  const editorDoc = useGraph((s) => s.doc);
  const graph = doc ?? editorDoc;
  const runId = useRun((s) => s.runId);
  const detail = useRun((s) => s.detail);
  const nodeId = selected.length === 1 ? selected[0] : null;
  const live = useRun((s) => (nodeId ? s.live.nodes[nodeId] : undefined));
  const runLive = useRun((s) => s.live);
  const readOnly = useGraph((s) => s.readOnly);

  useEffect(() => {
    if (nodeId && runId) void useRun.getState().refreshDetail();
  }, [nodeId, runId]);

  if (!runId) return <div className="panel-body muted">Start or open a run to inspect its nodes.</div>;
  if (!nodeId) return <div className="panel-body muted">Click a node to inspect it in this run.</div>;
  const gn = graph.nodes.find((n) => n.id === nodeId);
  const records = (detail?.nodes ?? []).filter((r) => r.node_id === nodeId);
  const main: NodeRun | undefined = records.find((r) => r.item === null) ?? records[0];
  const items = records.filter((r) => r.item !== null).sort((a, b) => (a.item ?? 0) - (b.item ?? 0));
  const reused = reusedFrom(nodeId, runLive, detail);
  // A reused node's record is a copy of a succeeded one: say "reused", as the canvas does.
  const state = live?.state ?? (reused !== null ? "reused" : main?.status ?? "pending");
  const runStatus = runLive.lastSeq ? runLive.status : detail?.status;
  const actions = reuseActions(gn, runStatus && runId ? { id: runId, status: runStatus } : null, main, !doc && !readOnly);
  const error = live?.error ?? main?.error;
  const usage = main?.usage ?? live?.usage;

  return (
    <div className="panel-body inspector" data-testid="inspector">
      <h2>
        {gn?.label || gn?.type || nodeId} <span className={`status status-${state}`}>{state}</span>
      </h2>
      <dl className="facts">
        <dt>Duration</dt>
        <dd>{duration(main?.duration_ms ?? live?.durationMs) || "—"}</dd>
        <dt>Attempts</dt>
        <dd>{main?.attempts ?? live?.attempt ?? 0}</dd>
        <dt>Tokens</dt>
        <dd>{usage ? `${usage.prompt_tokens ?? 0} in / ${usage.completion_tokens ?? 0} out` : "—"}</dd>
        <dt>Cost</dt>
        <dd>{money(main?.cost ?? live?.cost)}</dd>
        {typeof gn?.config.model === "string" && gn.config.model && (
          <>
            <dt>Model</dt>
            <dd>{gn.config.model}</dd>
          </>
        )}
      </dl>
      {gn && usesOfflineModel(gn.config) && <OfflineNote />}
      {reused !== null && (
        <p className="reused-note" data-testid="reused-note">
          <span className="badge badge-reused">reused</span>{" "}
          {reused ? (
            <>
              outputs recorded by run <a href={`/runs/${reused}/`}>{reused}</a>; not run again
            </>
          ) : (
            "finished in an earlier attempt of this run"
          )}
        </p>
      )}
      {gn?.pinned && (
        <p className="small" data-testid="pinned-note">
          <span className="badge badge-pinned">pinned</span> later runs reuse the outputs of run <a href={`/runs/${gn.pinned.run}/`}>{String(gn.pinned.run)}</a>
        </p>
      )}
      {(actions.runFrom || actions.pin || actions.unpin) && (
        <div className="row reuse-actions">
          {actions.runFrom && (
            <button type="button" className="btn btn-primary" data-testid="run-from-here" title="Re-run this node and everything downstream; reuse the recorded outputs of the rest"
              onClick={() => void startRunFromNode(runId, nodeId, detail?.inputs ?? {})}>
              Run from here
            </button>
          )}
          {actions.pin && (
            <button type="button" className="btn" data-testid="pin-output" title="Later runs reuse this node's outputs from this run until unpinned"
              onClick={() => useGraph.getState().edit((d) => pinNode(d, nodeId, runId))}>
              Pin this output
            </button>
          )}
          {actions.unpin && (
            <button type="button" className="btn" data-testid="unpin-output" onClick={() => useGraph.getState().edit((d) => pinNode(d, nodeId, null))}>
              Unpin
            </button>
          )}
        </div>
      )}
      {live?.reason && <p className="muted">{live.reason}</p>}
      {error && (
        <div className="error-box" role="note">
          <strong>{error.kind}</strong>: {error.message}
          {error.retryable !== undefined && <span className="muted small"> ({error.retryable ? "retryable" : "not retryable"})</span>}
        </div>
      )}
      {live?.tokens && state === "running" && <ValueView label="Streaming" value={live.tokens} />}
      <h3>Inputs</h3>
      {main ? <RecordValues record={main} field="inputs" /> : <p className="muted small">Recorded when the node finishes.</p>}
      <h3>Outputs</h3>
      {main ? <RecordValues record={main} field="outputs" /> : live?.outputsPreview ? <Values values={live.outputsPreview} /> : <p className="muted small">—</p>}
      {(items.length > 0 || live?.items) && (
        <>
          <h3>Map items ({live?.items ?? items.length})</h3>
          <ol className="map-items" start={0}>
            {(items.length ? items : Object.entries(live?.itemStates ?? {}).map(([i, s]) => ({ item: Number(i), status: s.state, error: s.error, duration_ms: s.durationMs, outputs: undefined, attempts: s.attempt }))).map((it) => (
              <li key={it.item}>
                <details>
                  <summary>
                    #{it.item} <span className={`status status-${it.status}`}>{it.status}</span> {duration(it.duration_ms)}
                    {it.error ? <span className="error-text"> {it.error.kind}: {it.error.message}</span> : null}
                  </summary>
                  {"node_id" in it ? <RecordValues record={it} field="outputs" /> : null}
                </details>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}

/** A record's inputs or outputs; one left out of the run detail for its size shows its first
 * characters and loads whole on request (from the address the detail gave). */
function RecordValues({ record, field }: { record: NodeRun; field: "inputs" | "outputs" }) {
  const cut = record.truncated?.[field];
  const [loaded, setLoaded] = useState<{ url: string; value: unknown } | null>(null);
  const [state, setState] = useState<"idle" | "loading" | "failed">("idle");
  if (!cut) return <Values values={record[field]} />;
  if (loaded && loaded.url === cut.url) return <Values values={loaded.value} />;
  const load = async () => {
    setState("loading");
    try {
      const whole = await runsApi.nodeRecord(cut.url);
      setLoaded({ url: cut.url, value: whole[field] });
      setState("idle");
    } catch {
      setState("failed");
    }
  };
  return (
    <div className="value" data-testid={`truncated-${field}`}>
      <pre className="value-text">{cut.head}…</pre>
      <button type="button" className="btn btn-small" disabled={state === "loading"} onClick={() => void load()}>
        {state === "loading" ? "Loading…" : `Load all (${cut.chars.toLocaleString()} chars)`}
      </button>
      {state === "failed" && <span className="error-text small" role="alert"> Could not load it; try again.</span>}
    </div>
  );
}

function Values({ values }: { values: unknown }) {
  if (values && typeof values === "object" && !Array.isArray(values)) {
    const entries = Object.entries(values as Record<string, unknown>);
    if (!entries.length) return <p className="muted small">none</p>;
    return <>{entries.map(([k, v]) => <ValueView key={k} label={k} value={v} />)}</>;
  }
  return <ValueView value={values} />;
}
