/** /runs/<id>/: the run's exact graph, read-only, with the same live view and inspector. */
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect, useState } from "react";
import { runsApi } from "./api";
import type { RunDetail } from "../shared/api/types";
import { Canvas } from "../editor/canvas/Canvas";
import { useDynamicPorts } from "../graph/dynamicPorts";
import { normalize } from "../graph/graphOps";
import { isTerminalRun } from "./runEvents";
import { Inspector } from "./Inspector";
import { Timeline } from "./Timeline";
import { ValueView } from "./ValueView";
import { useCatalog } from "../graph/catalog";
import { useGraph } from "../graph/graphStore";
import { useRun } from "./runStore";
import { toast } from "../shared/ui/toast";
import { duration, money, timeAgo } from "../shared/ui/format";

export default function RunPage({ runId }: { runId: string }) {
  const [first, setFirst] = useState<RunDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void useCatalog.getState().load();
    runsApi.get(runId).then(
      (r) => {
        useGraph.getState().load(null, r.pipeline_name, normalize(r.graph), true);
        useRun.getState().watch(runId);
        setFirst(r);
      },
      (e) => setError((e as Error).message),
    );
    return () => useRun.getState().stop();
  }, [runId]);
  if (error) return <main className="page-error" role="alert">Could not open the run: {error}</main>;
  if (!first) return <div className="loading" role="status">Loading run…</div>;
  return (
    <ReactFlowProvider>
      <RunLayout run={first} />
    </ReactFlowProvider>
  );
}

function RunLayout({ run }: { run: RunDetail }) {
  useDynamicPorts();
  const live = useRun((s) => s.live);
  const detail = useRun((s) => s.detail) ?? run;
  const status = live.lastSeq ? live.status : detail.status;
  const outputs = detail.outputs ?? (live.outputsPreview as Record<string, unknown> | null);
  return (
    <div className="editor run-page">
      <div className="toolbar">
        <a href={`/pipelines/${run.pipeline}/`} className="btn btn-small">← {run.pipeline_name}</a>
        <span>
          Run <code>{String(run.id).slice(0, 8)}</code> of {run.version ? `version ${run.version}` : "the draft"}, started {timeAgo(run.created_at)}
          {run.started_by ? ` by ${run.started_by}` : ""}
        </span>
        <span className={`status status-${status}`} data-testid="run-status">{status}</span>
        <span className="muted small">
          {duration(live.durationMs ?? detail.duration_ms)} · {(live.usage?.total_tokens ?? detail.usage?.total_tokens) || 0} tokens · {money(live.cost ?? detail.cost)}
        </span>
        <span className="toolbar-sep" />
        {!isTerminalRun(status) && (
          <button className="btn btn-danger btn-small" onClick={() => runsApi.cancel(run.id).then(() => toast("Cancelling…"), (e) => toast((e as Error).message, "error"))}>
            Cancel
          </button>
        )}
      </div>
      <div className="editor-body run-body">
        <Canvas readOnly />
        <aside className="side" aria-label="Run details">
          <div className="panel-body">
            <h2>Inputs</h2>
            {Object.entries(detail.inputs ?? {}).map(([k, v]) => <ValueView key={k} label={k} value={v} />)}
            {outputs && (
              <div data-testid="run-outputs">
                <h2>Outputs</h2>
                {Object.entries(outputs).map(([k, v]) => <ValueView key={k} label={k} value={v} />)}
              </div>
            )}
            <h2>Timeline</h2>
            <Timeline live={live} />
          </div>
          <Inspector />
        </aside>
      </div>
    </div>
  );
}
