/**
 * The editor's "Experiment" panel: dataset, name, concurrency, scored output, variants whose
 * overrides are picked from the canvas (select a node, choose one of its settings, edit the value
 * with the settings form's widget), scorers, and Start.
 */
import { useEffect, useMemo, useState } from "react";
import { ApiError } from "../shared/api/client";
import type { GraphNode, Pipeline } from "../shared/api/types";
import { SchemaForm } from "../editor/settings/SchemaForm";
import { useCatalog } from "../graph/catalog";
import { useCredentials } from "../editor/settings/credentialPicker";
import { schemaToFields } from "../editor/settings/schemaForm";
import { useGraph } from "../graph/graphStore";
import { useSave } from "../editor/save/saveStore";
import { useSelection } from "../graph/selection";
import { timeAgo } from "../shared/ui/format";
import { experimentsApi, type ExperimentSummary, type ScorerKind } from "./api";
import { datasetsApi, type DatasetSummary } from "../data/datasets/api";
import { useOutputNames, useRunInputs } from "../graph/runInputs";
import { useExperimentDraft } from "./draft";
import "./experiments.css";
import {
  buildExperimentBody,
  currentValue,
  MAX_CONCURRENCY,
  MAX_VARIANTS,
  MIN_VARIANTS,
  nodeTitle,
  overridableFields,
  overridableNodes,
  removeOverride,
  serverErrors,
  setOverride,
  type DraftError,
  type VariantDraft,
} from "./overrides";
import { ScorerEditor, SCORER_KINDS } from "./ScorerEditor";

export function ExperimentPanel({ pipeline }: { pipeline: Pipeline }) {
  const doc = useGraph((s) => s.doc);
  const readOnly = useGraph((s) => s.readOnly);
  const outputs = useOutputNames(doc);
  const draft = useExperimentDraft((s) => s.draft);
  const store = useExperimentDraft.getState;
  const byType = useCatalog((s) => s.byType);
  const [datasets, setDatasets] = useState<DatasetSummary[] | null>(null);
  const [past, setPast] = useState<ExperimentSummary[]>([]);
  const [errors, setErrors] = useState<DraftError[]>([]);
  const [server, setServer] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const workspace = String(pipeline.workspace);

  useEffect(() => {
    store().init(String(pipeline.id), outputs[0] ?? "");
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pipeline.id]);

  useEffect(() => {
    datasetsApi.list(workspace).then(
      (list) => {
        setDatasets(list);
        const d = store().draft;
        if (!d.dataset && list.length) store().patch({ dataset: String(list[0].id) });
      },
      () => setDatasets([]),
    );
    experimentsApi.list(pipeline.id).then(setPast, () => setPast([]));
    void useCredentials.getState().load(workspace);
  }, [workspace, pipeline.id, store]);

  const dataset = datasets?.find((d) => String(d.id) === draft.dataset);
  const inputs = useRunInputs(doc).map((i) => i.name);
  const missing = dataset ? inputs.filter((i) => !dataset.columns.includes(i)) : [];
  const unused = dataset ? dataset.columns.filter((c) => !inputs.includes(c)) : [];
  const errorFor = (field: string) => errors.filter((e) => e.field === field || e.field.startsWith(`${field}.`));

  async function start() {
    setServer([]);
    const { body, errors: errs } = buildExperimentBody(draft, doc, byType);
    setErrors(errs);
    if (!body) return;
    setBusy(true);
    try {
      // The experiment runs the saved draft: save pending edits first.
      await useSave.getState().saveNow();
      if (useSave.getState().state.status !== "clean") throw new Error("Save the pipeline first (it has unsaved changes or a conflict).");
      const x = await experimentsApi.start(pipeline.id, body);
      location.assign(`/experiments/${x.id}/`);
    } catch (e) {
      const lines = e instanceof ApiError ? serverErrors(e.details) : [];
      setServer([(e as Error).message, ...lines]);
      setBusy(false);
    }
  }

  return (
    <div className="panel-body experiment-panel" data-testid="experiment-panel">
      <h2>Experiment</h2>
      <p className="muted small">Run the pipeline over a dataset with 2–10 variants, each changing settings of chosen nodes, and compare scores, latency and cost.</p>
      {past.length > 0 && (
        <details className="past-experiments">
          <summary>{past.length} earlier experiment{past.length === 1 ? "" : "s"}</summary>
          <ul className="run-list">
            {past.slice(0, 20).map((x) => (
              <li key={x.id}>
                <a href={`/experiments/${x.id}/`}>{x.name}</a>
                <span className="small muted"><span className={`status status-${x.status}`}>{x.status}</span> · {x.dataset_name} · {timeAgo(x.created_at)}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
      <div className="field">
        <label className="field-label" htmlFor="xp-name">Name</label>
        <input id="xp-name" className="input" value={draft.name} maxLength={200} placeholder="e.g. small vs large model" disabled={readOnly}
          onChange={(e) => store().patch({ name: e.target.value })} />
        <FieldErrors errors={errorFor("name")} />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="xp-dataset">Dataset</label>
        {datasets && datasets.length === 0 ? (
          <p className="small">No datasets in this workspace yet. <a href={`/datasets/?workspace=${encodeURIComponent(workspace)}`}>Create one</a>.</p>
        ) : (
          <select id="xp-dataset" className="input" value={draft.dataset} disabled={readOnly || !datasets} onChange={(e) => store().patch({ dataset: e.target.value })}>
            {!draft.dataset && <option value="">—</option>}
            {(datasets ?? []).map((d) => (
              <option key={d.id} value={String(d.id)}>{d.name} ({d.row_count} rows)</option>
            ))}
          </select>
        )}
        {dataset && (missing.length > 0 || unused.length > 0) && (
          <p className="hint warn-text">
            {missing.length > 0 && <>Inputs not in the dataset (their defaults apply): {missing.map((m) => <code key={m}>{m}</code>)}. </>}
            {unused.length > 0 && <>Columns no input uses: {unused.map((m) => <code key={m}>{m}</code>)}.</>}
          </p>
        )}
        <a className="small" href={`/datasets/?workspace=${encodeURIComponent(workspace)}${draft.dataset ? `&dataset=${encodeURIComponent(draft.dataset)}` : ""}`}>Manage datasets</a>
        <FieldErrors errors={errorFor("dataset")} />
      </div>
      <div className="field-row">
        <div className="field">
          <label className="field-label" htmlFor="xp-conc">Concurrency</label>
          <input id="xp-conc" className="input" type="number" min={1} max={MAX_CONCURRENCY} value={draft.concurrency} disabled={readOnly}
            onChange={(e) => store().patch({ concurrency: Math.round(Number(e.target.value)) || 0 })} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="xp-output">Output to score</label>
          <select id="xp-output" className="input" value={draft.output} disabled={readOnly || outputs.length < 2} onChange={(e) => store().patch({ output: e.target.value })}>
            {!outputs.includes(draft.output) && <option value={draft.output}>{draft.output || "—"}</option>}
            {outputs.map((o) => <option key={o} value={o}>{o}</option>)}
          </select>
        </div>
      </div>
      <FieldErrors errors={[...errorFor("concurrency"), ...errorFor("output")]} />

      <h3>Variants</h3>
      <p className="hint">Select a node on the canvas, then add one of its settings to a variant. A variant without overrides runs the pipeline as it is.</p>
      {draft.variants.map((v, i) => (
        <VariantCard key={v.key} variant={v} index={i} readOnly={readOnly} canRemove={draft.variants.length > MIN_VARIANTS} errors={errorFor(`variants.${i}`)} />
      ))}
      <FieldErrors errors={errors.filter((e) => e.field === "variants")} />
      {!readOnly && (
        <button className="btn btn-small" onClick={() => store().addVariant()} disabled={draft.variants.length >= MAX_VARIANTS}>
          Add variant
        </button>
      )}

      <h3>Scorers</h3>
      <p className="hint">Each scores the output of every (row, variant) against the row's expected output.</p>
      {draft.scorers.map((s, i) => (
        <ScorerEditor key={i} index={i} scorer={s} readOnly={readOnly} errors={errorFor(`scorers.${i}`)}
          onChange={(next) => store().setScorer(i, next)} onRemove={() => store().removeScorer(i)} />
      ))}
      {!readOnly && (
        <select className="input" aria-label="Add scorer" value="" onChange={(e) => {
          if (e.target.value) store().addScorer(SCORER_KINDS[e.target.value as ScorerKind].make());
        }}>
          <option value="">Add scorer…</option>
          {Object.entries(SCORER_KINDS).map(([k, s]) => <option key={k} value={k}>{s.label}</option>)}
        </select>
      )}

      {(errors.length > 0 || server.length > 0) && (
        <ul className="error-list" role="alert" data-testid="experiment-errors">
          {[...errors.map((e) => e.message), ...server].map((m, i) => <li key={i}>{m}</li>)}
        </ul>
      )}
      <button className="btn btn-primary" data-testid="start-experiment" disabled={readOnly || busy} onClick={() => void start()}>
        {busy ? "Starting…" : `Start experiment${dataset ? ` (${dataset.row_count * draft.variants.length} runs)` : ""}`}
      </button>
    </div>
  );
}

function FieldErrors({ errors }: { errors: DraftError[] }) {
  if (!errors.length) return null;
  return <>{errors.map((e, i) => <p key={i} className="field-error">{e.message}</p>)}</>;
}

function VariantCard({ variant, index, readOnly, canRemove, errors }: { variant: VariantDraft; index: number; readOnly: boolean; canRemove: boolean; errors: DraftError[] }) {
  const store = useExperimentDraft.getState;
  const doc = useGraph((s) => s.doc);
  const byType = useCatalog((s) => s.byType);
  const selected = useSelection((s) => s.nodes);
  const active = useExperimentDraft((s) => s.activeVariant === variant.key);
  const [field, setField] = useState("");
  const candidates = useMemo(() => overridableNodes(doc, byType), [doc, byType]);
  const selNode = selected.length === 1 ? candidates.find((n) => n.id === selected[0]) : undefined;
  const fields = overridableFields(selNode ? byType[selNode.type] : undefined);
  const taken = new Set(variant.overrides.filter((o) => o.node === selNode?.id).map((o) => o.field));
  const free = fields.filter((f) => !taken.has(f.name));
  const chosen = free.find((f) => f.name === field) ?? free[0];

  function add() {
    if (!selNode || !chosen) return;
    store().patchVariant(variant.key, (v) => ({ ...v, overrides: setOverride(v.overrides, { node: selNode.id, field: chosen.name, value: currentValue(selNode, chosen) }) }));
    setField("");
  }

  return (
    <section className="variant-card" aria-label={`Variant ${variant.name || index + 1}`} data-testid="variant-card">
      <div className="variant-head">
        <span className="variant-swatch" style={{ background: variantColor(index) }} aria-hidden="true" />
        <input className="input variant-name" aria-label={`Variant ${index + 1} name`} value={variant.name} maxLength={100} disabled={readOnly}
          onChange={(e) => store().patchVariant(variant.key, (v) => ({ ...v, name: e.target.value }))} />
        {!readOnly && (
          <>
            <button className="btn btn-small" onClick={() => store().duplicateVariant(variant.key)} title="A new variant with the same overrides">Copy</button>
            {canRemove && <button className="btn btn-small btn-danger" aria-label={`Remove variant ${variant.name}`} onClick={() => store().removeVariant(variant.key)}>×</button>}
          </>
        )}
      </div>
      {variant.overrides.length === 0 && <p className="muted small">No overrides: the pipeline as it is (baseline).</p>}
      {variant.overrides.map((o) => {
        const n = doc.nodes.find((x) => x.id === o.node);
        return <OverrideRow key={`${o.node}.${o.field}`} variant={variant} node={n} nodeId={o.node} field={o.field} value={o.value} readOnly={readOnly} />;
      })}
      {!readOnly && !active && (
        <button className="btn btn-small add-setting" onClick={() => store().setActive(variant.key)}>Add a setting…</button>
      )}
      {!readOnly && active && (
        <div className="override-picker">
          <select className="input" aria-label={`Node for variant ${variant.name || index + 1}`} value={selNode?.id ?? ""}
            onChange={(e) => (e.target.value ? useSelection.getState().set([e.target.value]) : useSelection.getState().clear())}>
            <option value="">{candidates.length ? "Select a node on the canvas…" : "No node with settings"}</option>
            {candidates.map((n) => <option key={n.id} value={n.id}>{nodeTitle(n, byType)} ({n.id})</option>)}
          </select>
          {selNode && (
            <div className="row">
              <select className="input override-field" aria-label={`Setting of ${selNode.id} for variant ${variant.name || index + 1}`} value={chosen?.name ?? ""} onChange={(e) => setField(e.target.value)}>
                {free.map((f) => <option key={f.name} value={f.name}>{f.label}</option>)}
              </select>
              <button className="btn btn-small" onClick={add} disabled={!chosen} data-testid="add-override">Add override</button>
            </div>
          )}
        </div>
      )}
      <FieldErrors errors={errors} />
    </section>
  );
}

function OverrideRow({ variant, node, nodeId, field, value, readOnly }: { variant: VariantDraft; node: GraphNode | undefined; nodeId: string; field: string; value: unknown; readOnly: boolean }) {
  const store = useExperimentDraft.getState;
  const byType = useCatalog((s) => s.byType);
  const providers = useCatalog((s) => s.catalog?.providers ?? []);
  const credentials = useCredentials((s) => s.list);
  const spec = node ? byType[node.type] : undefined;
  const schema = spec?.config_schema;
  const prop = schema?.properties?.[field];
  // The node's provider, overridden or not: the value of its config's provider field (x-widget).
  const providerField = useMemo(() => (schema ? schemaToFields(schema).find((f) => f.kind === "provider")?.name : undefined), [schema]);
  const provider = providerField
    ? variant.overrides.find((o) => o.node === nodeId && o.field === providerField)?.value ?? node?.config[providerField]
    : undefined;
  const title = node ? nodeTitle(node, byType) : nodeId;
  return (
    <div className="override-row" data-testid="override-row">
      <div className="override-where">
        <button className="link" title="Show this node on the canvas" onClick={() => node && useSelection.getState().set([node.id])}>
          {title} <span className="muted">({nodeId})</span>
        </button>
        {!readOnly && (
          <button className="icon-btn" aria-label={`Remove override ${nodeId}.${field}`} onClick={() => store().patchVariant(variant.key, (v) => ({ ...v, overrides: removeOverride(v.overrides, nodeId, field) }))}>×</button>
        )}
      </div>
      {schema && prop ? (
        <SchemaForm
          schema={{ type: "object", properties: { [field]: prop }, $defs: schema.$defs, required: [] }}
          value={{ [field]: value }}
          providers={providers}
          credentials={credentials ?? undefined}
          provider={provider}
          readOnly={readOnly}
          idPrefix={`xv-${variant.key}-${nodeId}`}
          onChange={(_, v) => store().patchVariant(variant.key, (x) => ({ ...x, overrides: setOverride(x.overrides, { node: nodeId, field, value: v }) }))}
        />
      ) : (
        <p className="field-error">{node ? `${node.type} has no setting “${field}”.` : "This node is no longer on the canvas."}</p>
      )}
    </div>
  );
}

const PALETTE = ["#2554c7", "#c2407a", "#12805c", "#c47a0a", "#8a4fd1", "#0b6363", "#b42318", "#4a6b8a", "#7a4d00", "#39424e"];
export const variantColor = (i: number) => PALETTE[i % PALETTE.length];
