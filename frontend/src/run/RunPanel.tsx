/** Run panel: inputs form from the input nodes, start/cancel/re-run, live status, outputs, timeline, history. */
import { useEffect, useState } from "react";
import { create } from "zustand";
import { runsApi } from "./api";
import type { RunSummary } from "../shared/api/types";
import { isTerminalRun } from "./runEvents";
import { useGraph } from "../graph/graphStore";
import { useRun } from "./runStore";
import { errorsFrom, useSave } from "../editor/save/saveStore";
import { toast } from "../shared/ui/toast";
import { duration, money, timeAgo } from "../shared/ui/format";
import { runInputs, useRunInputs } from "../graph/runInputs";
import { parseInput } from "./inputs";
import { CompareRuns } from "./CompareRuns";
import { Timeline } from "./Timeline";
import { ValueView } from "./ValueView";

/** Form values by input name, as typed (strings). */
const useInputValues = create<{ values: Record<string, string>; set(name: string, v: string): void; fill(v: Record<string, unknown>): void }>((set, get) => ({
  values: {},
  set: (name, v) => set({ values: { ...get().values, [name]: v } }),
  fill: (vals) => set({ values: Object.fromEntries(Object.entries(vals).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v, null, 2)])) }),
}));

export async function startRunFromEditor(given?: Record<string, unknown>): Promise<void> {
  const { pipelineId, doc } = useGraph.getState();
  if (!pipelineId) return;
  let inputs = given;
  if (!inputs) {
    inputs = {};
    const values = useInputValues.getState().values;
    for (const spec of runInputs(doc)) {
      const raw = values[spec.name];
      if (raw === undefined || raw === "") {
        if (spec.required) {
          toast(`Fill in the input “${spec.name}”.`, "error");
          return;
        }
        continue;
      }
      const parsed = parseInput(spec.type, raw);
      if (!parsed.ok) {
        toast(`${spec.name}: ${parsed.error}`, "error");
        return;
      }
      inputs[spec.name] = parsed.value;
    }
  }
  // The run uses the saved draft: flush pending edits first.
  await useSave.getState().saveNow();
  if (useSave.getState().state.status === "conflict") {
    toast("Resolve the save conflict before running.", "error");
    return;
  }
  try {
    const run = await runsApi.start(pipelineId, inputs);
    useRun.getState().watch(run.id);
    runsChanged();
  } catch (e) {
    const errs = errorsFrom(e);
    if (errs) {
      useSave.getState().setErrors(errs);
      toast(`The pipeline has ${errs.length} problem${errs.length === 1 ? "" : "s"}; they are marked on the canvas.`, "error");
    } else toast(`Could not start the run: ${(e as Error).message}`, "error");
  }
}

/**
 * Run from here: re-run `nodeId` of the finished run `fromRun` and everything downstream, with
 * that run's inputs; the server reuses every other node's recorded outputs.
 */
export async function startRunFromNode(fromRun: string, nodeId: string, inputs: Record<string, unknown>): Promise<void> {
  const { pipelineId } = useGraph.getState();
  if (!pipelineId) return;
  await useSave.getState().saveNow();
  if (useSave.getState().state.status === "conflict") {
    toast("Resolve the save conflict before running.", "error");
    return;
  }
  try {
    const run = await runsApi.runFrom(pipelineId, inputs, fromRun, nodeId);
    useRun.getState().watch(run.id);
    runsChanged();
    const n = Object.keys(run.reused ?? {}).length;
    toast(n ? `Re-running from here; ${n} node${n === 1 ? "" : "s"} reused.` : "Re-running from here.");
  } catch (e) {
    const errs = errorsFrom(e);
    if (errs) {
      useSave.getState().setErrors(errs);
      toast(errs[0]?.message ?? "The run could not start.", "error");
    } else toast(`Could not start the run: ${(e as Error).message}`, "error");
  }
}

/** The two runs to compare, the older (lower id) on the left, whichever was ticked first. */
function olderFirst(a: string, b: string): [string, string] {
  return Number(a) > Number(b) ? [b, a] : [a, b];
}

let listeners: (() => void)[] = [];
const runsChanged = () => listeners.forEach((f) => f());

export function RunPanel({ pipelineId }: { pipelineId: string }) {
  const doc = useGraph((s) => s.doc);
  const values = useInputValues((s) => s.values);
  const runId = useRun((s) => s.runId);
  const live = useRun((s) => s.live);
  const detail = useRun((s) => s.detail);
  const connected = useRun((s) => s.connected);
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [picked, setPicked] = useState<string[]>([]);
  const [comparing, setComparing] = useState<[string, string] | null>(null);
  const specs = useRunInputs(doc);

  useEffect(() => {
    const load = () => runsApi.list(pipelineId, 20).then(setRuns, () => setRuns([]));
    load();
    listeners.push(load);
    return () => {
      listeners = listeners.filter((f) => f !== load);
    };
  }, [pipelineId]);
  useEffect(() => {
    if (isTerminalRun(live.status) && runId) runsChanged();
  }, [live.status, runId]);

  const status = runId ? (live.lastSeq ? live.status : detail?.status ?? "queued") : null;
  const outputs = detail?.outputs ?? (live.outputsPreview as Record<string, unknown> | null);

  return (
    <div className="panel-body run-panel">
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          await startRunFromEditor();
          setBusy(false);
        }}
      >
        <h2>Inputs</h2>
        {specs.length === 0 && <p className="muted small">This pipeline has no input nodes; add an Input node to pass values in.</p>}
        {specs.map((s) => (
          <div className="field" key={s.nodeId}>
            <label className="field-label" htmlFor={`run-in-${s.name}`}>
              {s.name} <span className="muted small">({s.type}{s.required ? "" : ", optional"})</span>
            </label>
            <textarea id={`run-in-${s.name}`} className={`input textarea${s.type === "text" ? "" : " mono"}`} rows={s.type === "text" ? 4 : 3}
              value={values[s.name] ?? ""} placeholder={s.default !== null ? `default: ${JSON.stringify(s.default)}` : s.type === "text" ? "" : "JSON"}
              onChange={(e) => useInputValues.getState().set(s.name, e.target.value)} />
            {s.description && <p className="field-desc">{s.description}</p>}
          </div>
        ))}
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="start-run">
            Run
          </button>
          {runId && status && !isTerminalRun(status) && (
            <button type="button" className="btn btn-danger" onClick={() => runsApi.cancel(runId).then(() => toast("Cancelling…"), (e) => toast((e as Error).message, "error"))}>
              Cancel
            </button>
          )}
          {detail && isTerminalRun(live.status) && (
            <button type="button" className="btn" onClick={() => { useInputValues.getState().fill(detail.inputs ?? {}); void startRunFromEditor(detail.inputs ?? {}); }}>
              Re-run with same inputs
            </button>
          )}
        </div>
      </form>

      {runId && (
        <section className="run-status" aria-live="polite">
          <h2>
            Run <a href={`/runs/${runId}/`} className="mono small">{String(runId).slice(0, 8)}</a>{" "}
            <span className={`status status-${status}`} data-testid="run-status">{status}</span>
            {!connected && status && !isTerminalRun(status) && <span className="muted small"> (reconnecting…)</span>}
          </h2>
          <p className="muted small">
            {live.durationMs !== null && <>Took {duration(live.durationMs)} · </>}
            {live.usage?.total_tokens ? <>{live.usage.total_tokens} tokens · </> : null}
            cost {money(live.cost ?? detail?.cost)}
          </p>
          {typeof live.error === "object" && live.error ? <p className="error-text">{(live.error as { message?: string }).message ?? JSON.stringify(live.error)}</p> : null}
          {outputs && Object.keys(outputs).length > 0 && (
            <div className="run-outputs" data-testid="run-outputs">
              <h3>Outputs</h3>
              {Object.entries(outputs).map(([k, v]) => <ValueView key={k} label={k} value={v} />)}
            </div>
          )}
          <h3>Timeline</h3>
          <Timeline live={live} />
        </section>
      )}

      <section>
        <h2>History</h2>
        {runs && runs.length > 1 && (
          <p className="row small">
            <span className="muted">Tick two runs to compare.</span>
            <button type="button" className="btn" data-testid="compare-runs" disabled={picked.length !== 2} onClick={() => setComparing(olderFirst(picked[0], picked[1]))}>
              Compare
            </button>
          </p>
        )}
        {comparing && <CompareRuns ids={comparing} onClose={() => setComparing(null)} />}
        {runs === null && <p className="muted small">Loading…</p>}
        {runs?.length === 0 && <p className="muted small">No runs yet.</p>}
        <ul className="run-list">
          {runs?.map((r) => (
            <li key={r.id} className={String(r.id) === String(runId) ? "is-current" : ""}>
              <input type="checkbox" aria-label={`Compare run ${r.id}`} checked={picked.includes(String(r.id))}
                onChange={(e) => setPicked((p) => (e.target.checked ? [...p.filter((x) => x !== String(r.id)), String(r.id)].slice(-2) : p.filter((x) => x !== String(r.id))))} />
              <button className="link" onClick={() => useRun.getState().watch(r.id)} title="Show this run on the canvas">
                <span className={`status status-${r.status}`}>{r.status}</span> {timeAgo(r.created_at)}
              </button>
              <span className="muted small">
                {r.started_by ?? ""} · {duration(r.duration_ms)} · {r.usage?.total_tokens ?? 0} tok · {money(r.cost)}
              </span>
              <a href={`/runs/${r.id}/`} className="small">open</a>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
