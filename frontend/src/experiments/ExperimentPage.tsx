/**
 * /experiments/<id>/: progress, per-variant aggregates with a chart, and the rows × variants table
 * (outputs side by side, scores, latency, tokens, cost; each cell opens its run). Live while running.
 */
import { useEffect, useMemo, useState } from "react";
import { pipelinesApi } from "../pipelines/api";
import type { GraphDoc, VersionSummary } from "../shared/api/types";
import { useCatalog } from "../graph/catalog";
import { toast } from "../shared/ui/toast";
import { Dialog } from "../shared/ui/Dialog";
import { duration, timeAgo } from "../shared/ui/format";
import { BarChart } from "./BarChart";
import { variantColor } from "./ExperimentPanel";
import "./experiments.css";
import { experimentsApi, type Aggregate, type Cell, type ExperimentDetail, type Variant } from "./api";
import { datasetsApi, type DatasetRow } from "../data/datasets/api";
import { useLiveExperiment } from "./live";
import { describeOverride, shortValue } from "./overrides";
import {
  cellError,
  cellKey,
  cellRow,
  chartBars,
  formatCost,
  formatScore,
  formatTokens,
  isTerminal,
  metricLabel,
  progressFraction,
  scorerLabel,
  shownScorerKeys,
  visibleRows,
  type Metric,
} from "./results";

function experimentIdFromPath(path: string): string {
  return /\/experiments\/(\d+)/.exec(path)?.[1] ?? "";
}

export default function ExperimentPage() {
  const id = experimentIdFromPath(location.pathname);
  const live = useLiveExperiment(id);
  const [rows, setRows] = useState<DatasetRow[] | null>(null);
  const [graph, setGraph] = useState<GraphDoc | null>(null);
  const datasetId = live.detail?.dataset;
  const pipelineId = live.detail?.pipeline;

  useEffect(() => {
    void useCatalog.getState().load();
  }, []);
  useEffect(() => {
    if (datasetId === undefined) return;
    datasetsApi.get(datasetId).then((d) => setRows(d.rows), () => setRows([]));
  }, [datasetId]);
  useEffect(() => {
    if (pipelineId === undefined) return;
    pipelinesApi.get(String(pipelineId)).then((p) => setGraph(p.graph), () => setGraph(null));
  }, [pipelineId]);
  useEffect(() => {
    if (live.detail) document.title = `${live.detail.name} · Experiment · fomo`;
  }, [live.detail?.name]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!live.detail) {
    return live.error ? <main className="page-error" role="alert">Could not open the experiment: {live.error}</main> : <div className="loading" role="status">Loading experiment…</div>;
  }
  return <ExperimentView detail={live.detail} cells={live.cells} rows={rows} graph={graph} pollError={live.error} onReplace={live.replace} />;
}

function ExperimentView({ detail, cells, rows, graph, pollError, onReplace }: {
  detail: ExperimentDetail;
  cells: Map<string, Cell>;
  rows: DatasetRow[] | null;
  graph: GraphDoc | null;
  pollError: string | null;
  onReplace(d: ExperimentDetail): void;
}) {
  const keys = useMemo(() => shownScorerKeys(detail, cells.values()), [detail, cells]);
  const [onlyDisagree, setOnlyDisagree] = useState(false);
  const [promoting, setPromoting] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const running = !isTerminal(detail.status);
  const p = detail.progress;
  const finished = p.done + p.failed + p.cancelled;

  // Rows of the dataset; cells of rows deleted since are still shown, by id.
  const allRows = useMemo(() => {
    const known = rows ?? [];
    const ids = new Set(known.map((r) => String(r.id)));
    const extra: DatasetRow[] = [];
    for (const c of cells.values()) {
      const rid = cellRow(c);
      if (!ids.has(String(rid))) {
        ids.add(String(rid));
        extra.push({ id: rid, position: c.row_position ?? Number.MAX_SAFE_INTEGER, inputs: {}, expected: c.expected ?? null });
      }
    }
    return [...known, ...extra];
  }, [rows, cells]);
  const shown = useMemo(() => visibleRows(allRows, cells, detail.variants, keys, onlyDisagree), [allRows, cells, detail.variants, keys, onlyDisagree]);

  async function cancel() {
    setCancelling(true);
    try {
      onReplace(await experimentsApi.cancel(detail.id));
      toast("Cancelling: queued runs are dropped, finished ones keep their results.", "info");
    } catch (e) {
      toast((e as Error).message, "error");
    } finally {
      setCancelling(false);
    }
  }

  return (
    <main className="experiment-page" data-testid="experiment-page">
      <header className="experiment-head">
        <div>
          <h1>{detail.name}</h1>
          <p className="muted small">
            <a href={`/pipelines/${detail.pipeline}/`}>Open pipeline</a> · {detail.version ? `version ${detail.version}` : "draft"} · dataset{" "}
            <a href={`/datasets/?dataset=${encodeURIComponent(String(detail.dataset))}`}>{detail.dataset_name}</a> · concurrency {detail.concurrency}
            {detail.output ? <> · scoring output <code>{detail.output}</code></> : null} · started {timeAgo(detail.created_at)}{detail.created_by ? ` by ${detail.created_by}` : ""}
          </p>
        </div>
        <span className="toolbar-sep" />
        <span className={`status status-${detail.status}`} data-testid="experiment-status">{detail.status}</span>
        {running && (
          <button className="btn btn-danger" onClick={() => void cancel()} disabled={cancelling || detail.status === "cancelling"} data-testid="cancel-experiment">
            {detail.status === "cancelling" ? "Cancelling…" : "Cancel"}
          </button>
        )}
        <a className="btn" href={experimentsApi.resultsCsvUrl(detail.id)} download data-testid="export-csv">Export CSV</a>
        <button className="btn btn-primary" onClick={() => setPromoting(true)} data-testid="promote">Promote a variant…</button>
      </header>

      <section className="progress-line" aria-label="Progress">
        <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={p.total} aria-valuenow={finished} aria-label="Runs finished">
          <div className="progress-bar" style={{ width: `${progressFraction(p) * 100}%` }} />
        </div>
        <span className="small" data-testid="experiment-progress">
          {finished} / {p.total} runs · {p.done} succeeded{p.failed ? ` · ${p.failed} failed` : ""}{p.cancelled ? ` · ${p.cancelled} cancelled` : ""}
          {running ? ` · ${p.running} running · ${p.queued} queued` : detail.finished_at ? ` · finished ${timeAgo(detail.finished_at)}` : ""}
        </span>
        {pollError && <span className="small error-text" role="status">Reconnecting… ({pollError})</span>}
      </section>

      <Aggregates detail={detail} keys={keys} graph={graph} />

      <section className="results" aria-label="Results">
        <div className="results-head">
          <h2>Rows × variants</h2>
          <label className="field-check">
            <input type="checkbox" checked={onlyDisagree} onChange={(e) => setOnlyDisagree(e.target.checked)} data-testid="only-disagree" />
            Only rows where variants disagree
          </label>
          <span className="muted small">{onlyDisagree ? `${shown.length} of ${allRows.length} rows` : `${allRows.length} rows`}</span>
        </div>
        <ResultsTable detail={detail} rows={shown} cells={cells} keys={keys} loading={rows === null} />
      </section>
      {promoting && <PromoteDialog detail={detail} graph={graph} keys={keys} onClose={() => setPromoting(false)} />}
    </main>
  );
}

function Aggregates({ detail, keys, graph }: { detail: ExperimentDetail; keys: string[]; graph: GraphDoc | null }) {
  const byType = useCatalog((s) => s.byType);
  const metrics: Metric[] = useMemo(() => [...keys.map((key) => ({ kind: "score", key }) as Metric), { kind: "p50" }, { kind: "p95" }, { kind: "cost_per_row" }, { kind: "total_cost" }], [keys]);
  // Until a metric is picked, show the first one that tells the variants apart (else cost per row).
  const [picked, setPicked] = useState<number | null>(null);
  const auto = metrics.findIndex((m) => chartBars(detail.variants, detail.aggregates, m).some((b) => b.best));
  const mi = Math.min(picked ?? (auto >= 0 ? auto : metrics.findIndex((m) => m.kind === "cost_per_row")), metrics.length - 1);
  const setMi = setPicked;
  const metric = metrics[mi];
  const byVariant = new Map(detail.aggregates.map((a) => [String(a.variant), a]));
  const colors = detail.variants.map((_, i) => variantColor(i));
  const bars = chartBars(detail.variants, detail.aggregates, metric);
  const fmt = (v: number | null) => (metric.kind === "score" ? formatScore(v) : metric.kind === "p50" || metric.kind === "p95" ? duration(v) || "—" : formatCost(v));
  const anyJudge = detail.aggregates.some((a) => (a.judge_cost ?? 0) > 0 || a.judge_prompt_tokens > 0);
  return (
    <section className="aggregates" aria-label="Per-variant aggregates">
      <div className="table-scroll">
        <table className="table compact aggregates-table" data-testid="aggregates">
          <thead>
            <tr>
              <th scope="col">Variant</th>
              {keys.map((k) => <th key={k} scope="col" className="num">{scorerLabel(k)}</th>)}
              <th scope="col" className="num">p50</th>
              <th scope="col" className="num">p95</th>
              <th scope="col" className="num">Tokens</th>
              <th scope="col" className="num">Total cost</th>
              <th scope="col" className="num">Per row</th>
              {anyJudge && <th scope="col" className="num">Judge cost</th>}
              <th scope="col" className="num">Runs</th>
            </tr>
          </thead>
          <tbody>
            {detail.variants.map((v, i) => {
              const a: Aggregate | undefined = byVariant.get(String(v.id));
              return (
                <tr key={v.id} data-testid="aggregate-row">
                  <th scope="row">
                    <span className="variant-swatch" style={{ background: colors[i] }} aria-hidden="true" /> {v.name}
                    <div className="muted small override-summary">
                      {v.overrides.length ? v.overrides.map((o, j) => <div key={j}>{graph ? describeOverride(o, graph, byType) : `${o.node}.${o.field} = ${JSON.stringify(o.value)}`}</div>) : "baseline"}
                    </div>
                  </th>
                  {keys.map((k) => <td key={k} className="num">{formatScore(a?.mean_scores?.[k])}</td>)}
                  <td className="num">{duration(a?.p50_ms) || "—"}</td>
                  <td className="num">{duration(a?.p95_ms) || "—"}</td>
                  <td className="num" title={a ? `${a.prompt_tokens} prompt + ${a.completion_tokens} completion` : ""}>{a ? formatTokens(a.prompt_tokens + a.completion_tokens) : "—"}</td>
                  <td className="num">{formatCost(a?.total_cost)}</td>
                  <td className="num">{formatCost(a?.cost_per_row)}</td>
                  {anyJudge && <td className="num" title={a ? `${a.judge_prompt_tokens} + ${a.judge_completion_tokens} judge tokens` : ""}>{formatCost(a?.judge_cost)}</td>}
                  <td className="num">{a ? `${a.runs_succeeded}${a.runs_failed ? ` · ${a.runs_failed} failed` : ""}` : "—"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="chart-box">
        <div className="segmented" role="tablist" aria-label="Chart metric">
          {metrics.map((m, i) => (
            <button key={i} role="tab" aria-selected={i === mi} className={`segment${i === mi ? " is-active" : ""}`} onClick={() => setMi(i)}>{metricLabel(m)}</button>
          ))}
        </div>
        <BarChart bars={bars} format={fmt} colors={colors} title={`${metricLabel(metric)} per variant`} />
      </div>
    </section>
  );
}

function ResultsTable({ detail, rows, cells, keys, loading }: { detail: ExperimentDetail; rows: DatasetRow[]; cells: Map<string, Cell>; keys: string[]; loading: boolean }) {
  const [limit, setLimit] = useState(100);
  if (loading) return <p className="muted">Loading rows…</p>;
  if (!rows.length) return <p className="muted">No rows to show.</p>;
  return (
    <>
      <div className="table-scroll results-scroll">
        <table className="table compact results-table" data-testid="results-table" style={{ minWidth: 260 + detail.variants.length * 240 }}>
          <thead>
            <tr>
              <th scope="col" className="num">#</th>
              <th scope="col" className="col-inputs">Inputs</th>
              <th scope="col" className="col-expected">Expected</th>
              {detail.variants.map((v, i) => (
                <th key={v.id} scope="col" title={v.overrides.map((o) => `${o.node}.${o.field} = ${shortValue(o.value)}`).join("\n") || "baseline"}><span className="variant-swatch" style={{ background: variantColor(i) }} aria-hidden="true" /> {v.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, limit).map((r) => (
              <tr key={r.id} data-testid="result-row">
                <td className="muted num">{r.position === Number.MAX_SAFE_INTEGER ? "—" : r.position + 1}</td>
                <td className="col-inputs">
                  {Object.keys(r.inputs).length === 0 ? <span className="muted small">(row deleted)</span> : Object.entries(r.inputs).map(([k, v]) => (
                    <div key={k} className="kv"><span className="muted">{k}:</span> {clip(v, 160)}</div>
                  ))}
                </td>
                <td className="col-expected">{r.expected ?? <span className="muted">—</span>}</td>
                {detail.variants.map((v) => <ResultCell key={v.id} cell={cells.get(cellKey(r.id, v.id))} keys={keys} variant={v} />)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > limit && <button className="btn btn-small" onClick={() => setLimit((n) => n + 100)}>Show more rows ({rows.length - limit} left)</button>}
    </>
  );
}

function clip(v: unknown, max: number): string {
  const s = typeof v === "string" ? v : JSON.stringify(v) ?? "";
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function ResultCell({ cell, keys, variant }: { cell: Cell | undefined; keys: string[]; variant: Variant }) {
  if (!cell || cell.status === "queued") return <td className="result-cell is-queued"><span className="muted small">queued</span></td>;
  const body = (
    <>
      {cell.status === "running" ? (
        <span className="small cell-running"><span className="spinner" aria-hidden="true" /> running</span>
      ) : cell.status === "succeeded" ? (
        <div className="cell-output">{clip(cell.output, 600)}</div>
      ) : (
        <div className="cell-output error-text">{cell.status}{cellError(cell) ? `: ${cellError(cell)}` : ""}</div>
      )}
      {(cell.status === "succeeded" || cell.status === "failed") && (
        <div className="cell-meta">
          {keys.map((k) => {
            const s = cell.scores?.[k];
            const why = cell.score_errors?.[k];
            const cls = why ? " score-error" : s === undefined || s === null ? "" : s >= 0.999 ? " score-pass" : s <= 0.001 ? " score-fail" : " score-mid";
            return <span key={k} className={`score${cls}`} title={why ? `${scorerLabel(k)}: ${why}` : scorerLabel(k)}>{scorerLabel(k).split(" ")[0]} {why ? "error" : formatScore(s)}</span>;
          })}
          <span>{duration(cell.duration_ms)}</span>
          {cell.tokens !== null && <span>{formatTokens(cell.tokens)} tok</span>}
          <span>{formatCost(cell.cost)}</span>
          {!!cell.judge_tokens && <span title={`The judge's ${cell.judge_tokens} tokens, counted apart`}>judge {formatCost(cell.judge_cost)}</span>}
        </div>
      )}
    </>
  );
  return (
    <td className={`result-cell is-${cell.status}`} data-status={cell.status} data-testid="result-cell">
      {cell.run !== null ? (
        <a className="cell-link" href={`/runs/${cell.run}/`} target="_blank" rel="noopener" title={`Open the run trace of ${variant.name}`}>{body}</a>
      ) : body}
    </td>
  );
}

function PromoteDialog({ detail, graph, keys, onClose }: { detail: ExperimentDetail; graph: GraphDoc | null; keys: string[]; onClose(): void }) {
  const byType = useCatalog((s) => s.byType);
  const best = useMemo(() => {
    if (!keys.length) return detail.variants[0];
    const bars = chartBars(detail.variants, detail.aggregates, { kind: "score", key: keys[0] });
    return detail.variants[Math.max(0, bars.findIndex((b) => b.best))];
  }, [detail, keys]);
  const [variant, setVariant] = useState(String(best?.id ?? ""));
  const v = detail.variants.find((x) => String(x.id) === variant);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<VersionSummary | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const msg = message ?? `Promote variant “${v?.name ?? ""}” of experiment “${detail.name}”`;

  async function promote() {
    setBusy(true);
    setErr(null);
    try {
      setDone(await experimentsApi.promote(detail.id, variant, msg.trim() || undefined));
    } catch (e) {
      setErr((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title="Promote a variant" onClose={onClose}>
      {done ? (
        <div className="form" data-testid="promoted">
          <p>Created version <strong>{done.number}</strong> of the pipeline{done.message ? <>: “{done.message}”</> : null}.</p>
          <div className="dialog-actions">
            <button className="btn" onClick={onClose}>Close</button>
            <a className="btn btn-primary" href={`/pipelines/${detail.pipeline}/`}>Open pipeline</a>
          </div>
        </div>
      ) : (
        <form className="form" onSubmit={(e) => { e.preventDefault(); void promote(); }}>
          <div className="field">
            <label className="field-label" htmlFor="pr-variant">Variant</label>
            <select id="pr-variant" className="input" value={variant} onChange={(e) => setVariant(e.target.value)}>
              {detail.variants.map((x) => <option key={x.id} value={String(x.id)}>{x.name}{x.id === best?.id && keys.length ? " (best mean score)" : ""}</option>)}
            </select>
          </div>
          {v && (
            <div className="small">
              {v.overrides.length ? (
                <>Applies to the pipeline's current draft:<ul>{v.overrides.map((o, i) => <li key={i}>{graph ? describeOverride(o, graph, byType) : `${o.node}.${o.field}`}</li>)}</ul></>
              ) : <p className="muted">This variant has no overrides: the new version is the current draft as it is.</p>}
            </div>
          )}
          <div className="field">
            <label className="field-label" htmlFor="pr-message">Version message</label>
            <textarea id="pr-message" className="input textarea" rows={2} value={msg} maxLength={400} onChange={(e) => setMessage(e.target.value)} />
          </div>
          {!isTerminal(detail.status) && <p className="hint warn-text">The experiment is still running; its scores may change.</p>}
          {err && <p className="error-text" role="alert">{err}</p>}
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={onClose}>Cancel</button>
            <button type="submit" className="btn btn-primary" disabled={busy || !v} data-testid="confirm-promote">{busy ? "Promoting…" : "Create version"}</button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
