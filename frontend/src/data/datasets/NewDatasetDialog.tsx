/** Create a dataset by pasting CSV/JSONL (previewed, with line-numbered problems), uploading a file, or empty. */
import { useEffect, useMemo, useState } from "react";
import { pipelinesApi } from "../../pipelines/api";
import { runsApi } from "../../run/api";
import type { PipelineSummary, RunSummary } from "../../shared/api/types";
import { timeAgo } from "../../shared/ui/format";
import { Dialog } from "../../shared/ui/Dialog";
import { importErrors, datasetsApi, type Dataset, type ImportError } from "./api";
import { LIMITS, parsePaste, pasteFilename, type PasteFormat } from "./parse";

type Mode = "paste" | "upload" | "runs" | "empty";

function ErrorLines({ errors, title }: { errors: ImportError[]; title: string }) {
  if (!errors.length) return null;
  const shown = errors.slice(0, 50);
  return (
    <div className="error-box import-errors" role="alert" data-testid="import-errors">
      <strong>{title}</strong>
      <ul>
        {shown.map((e, i) => (
          <li key={i}>
            <span className="mono">line {e.line}</span>
            {e.field ? <> · <code>{e.field}</code></> : null}: {e.message}
          </li>
        ))}
      </ul>
      {errors.length > shown.length && <p className="small">…and {errors.length - shown.length} more.</p>}
    </div>
  );
}

export function NewDatasetDialog({ workspace, onClose, onCreated }: { workspace: string; onClose(): void; onCreated(d: Dataset): void }) {
  const [mode, setMode] = useState<Mode>("paste");
  const [name, setName] = useState("");
  const [text, setText] = useState("");
  const [format, setFormat] = useState<PasteFormat | "auto">("auto");
  const [expected, setExpected] = useState<string>("");
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [serverErrors, setServerErrors] = useState<ImportError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [runIds, setRunIds] = useState<number[]>([]);
  const [withOutputs, setWithOutputs] = useState(true);

  const preview = useMemo(
    () => (text.trim() ? parsePaste(text, { format: format === "auto" ? undefined : format, expectedColumn: expected || null }) : null),
    [text, format, expected],
  );
  const allColumns = preview ? [...preview.columns, ...(preview.expectedColumn ? [preview.expectedColumn] : [])] : [];

  async function submit() {
    setServerErrors([]);
    setMessage(null);
    const n = name.trim() || (mode === "upload" && file ? file.name.replace(/\.(csv|jsonl)$/i, "") : "");
    if (!n) {
      setMessage("Name the dataset.");
      return;
    }
    setBusy(true);
    try {
      let d: Dataset;
      if (mode === "empty") d = await datasetsApi.create(workspace, { name: n, rows: [] });
      else if (mode === "runs") {
        if (!runIds.length) throw new Error("Tick the runs whose inputs become rows.");
        d = await datasetsApi.fromRuns(workspace, { name: n, run_ids: runIds, with_outputs: withOutputs });
      }
      else if (mode === "upload") {
        if (!file) throw new Error("Choose a .csv or .jsonl file.");
        if (file.size > LIMITS.fileBytes) throw new Error("The file is larger than 2 MB.");
        d = await datasetsApi.importFile(workspace, file, n, file.name, expected || undefined);
      } else {
        if (!preview) throw new Error("Paste some rows first.");
        const blob = new Blob([text], { type: preview.format === "jsonl" ? "application/jsonl" : "text/csv" });
        d = await datasetsApi.importFile(workspace, blob, n, pasteFilename(preview.format), expected || undefined);
      }
      onCreated(d);
    } catch (e) {
      const lines = importErrors(e);
      setServerErrors(lines);
      setMessage(lines.length ? "Nothing was imported." : (e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const localBlocking = mode === "paste" && !!preview && preview.errors.length > 0;
  return (
    <Dialog title="New dataset" onClose={onClose} wide>
      <form className="form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <div className="field">
          <label className="field-label" htmlFor="nd-name">Name</label>
          <input id="nd-name" className="input" value={name} onChange={(e) => setName(e.target.value)} autoFocus maxLength={200} />
        </div>
        <div className="segmented" role="radiogroup" aria-label="How to create it">
          {([["paste", "Paste CSV or JSONL"], ["upload", "Upload a file"], ["runs", "From past runs"], ["empty", "Empty"]] as [Mode, string][]).map(([m, label]) => (
            <label key={m} className={`segment${mode === m ? " is-active" : ""}`}>
              <input type="radio" name="nd-mode" value={m} checked={mode === m} onChange={() => { setMode(m); setServerErrors([]); setMessage(null); }} />
              {label}
            </label>
          ))}
        </div>
        {mode === "paste" && (
          <>
            <div className="field">
              <label className="field-label" htmlFor="nd-text">Rows</label>
              <textarea id="nd-text" className="input textarea mono" rows={8} value={text} spellCheck={false}
                placeholder={'question,expected\nWhat is 2+2?,4\n\nor JSONL:\n{"question": "What is 2+2?", "expected": "4"}'}
                onChange={(e) => setText(e.target.value)} />
              <p className="hint">CSV: the first line names the columns; each column is a pipeline input, except <code>expected</code>. JSONL: one object per line.</p>
            </div>
            <div className="field-row">
              <div className="field">
                <label className="field-label" htmlFor="nd-format">Format</label>
                <select id="nd-format" className="input" value={format} onChange={(e) => setFormat(e.target.value as PasteFormat | "auto")}>
                  <option value="auto">Detect{preview ? ` (${preview.format.toUpperCase()})` : ""}</option>
                  <option value="csv">CSV</option>
                  <option value="jsonl">JSONL</option>
                </select>
              </div>
              <div className="field">
                <label className="field-label" htmlFor="nd-expected">Expected output column</label>
                <select id="nd-expected" className="input" value={expected} onChange={(e) => setExpected(e.target.value)}>
                  <option value="">{preview?.expectedColumn && !expected ? `${preview.expectedColumn} (default)` : "expected (default)"}</option>
                  {allColumns.filter((c) => c !== "expected").map((c) => <option key={c} value={c}>{c}</option>)}
                </select>
              </div>
            </div>
            {preview && <PastePreviewTable preview={preview} />}
            {preview && <ErrorLines errors={preview.errors} title={`${preview.errors.length} problem${preview.errors.length === 1 ? "" : "s"} in the pasted rows`} />}
          </>
        )}
        {mode === "upload" && (
          <>
            <div className="field">
              <label className="field-label" htmlFor="nd-file">File (.csv or .jsonl, at most 2 MB)</label>
              <input id="nd-file" className="input" type="file" accept=".csv,.jsonl,.ndjson,text/csv,application/jsonl"
                onChange={(e) => { setFile(e.target.files?.[0] ?? null); setServerErrors([]); setMessage(null); }} />
            </div>
            <div className="field">
              <label className="field-label" htmlFor="nd-expected-up">Expected output column</label>
              <input id="nd-expected-up" className="input" value={expected} placeholder="expected" onChange={(e) => setExpected(e.target.value)} />
            </div>
          </>
        )}
        {mode === "runs" && <RunPicker workspace={workspace} selected={runIds} onChange={setRunIds} withOutputs={withOutputs} onWithOutputs={setWithOutputs} />}
        {mode === "empty" && <p className="muted">An empty dataset; add columns and rows in its table.</p>}
        <ErrorLines errors={serverErrors} title="The server refused the import" />
        {message && <p className="error-text" role="alert">{message}</p>}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" className="btn btn-primary" disabled={busy || localBlocking} data-testid="create-dataset">
            {busy ? "Creating…" : mode === "paste" && preview ? `Import ${preview.rows.length} row${preview.rows.length === 1 ? "" : "s"}` : mode === "runs" ? `Create from ${runIds.length} run${runIds.length === 1 ? "" : "s"}` : "Create"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function PastePreviewTable({ preview }: { preview: ReturnType<typeof parsePaste> }) {
  const rows = preview.rows.slice(0, 5);
  if (!rows.length) return null;
  return (
    <div className="paste-preview" data-testid="paste-preview">
      <p className="hint">
        {preview.format.toUpperCase()} · {preview.rows.length} row{preview.rows.length === 1 ? "" : "s"} · inputs: {preview.columns.map((c) => <code key={c}>{c}</code>)}
        {preview.expectedColumn ? <> · expected: <code>{preview.expectedColumn}</code></> : " · no expected column"}
      </p>
      <div className="table-scroll">
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Line</th>
              {preview.columns.map((c) => <th key={c} scope="col">{c}</th>)}
              {preview.expectedColumn && <th scope="col">expected</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.line}>
                <td className="muted">{r.line}</td>
                {preview.columns.map((c) => <td key={c}>{cellText(r.inputs[c])}</td>)}
                {preview.expectedColumn && <td>{r.expected ?? ""}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.rows.length > rows.length && <p className="hint">…and {preview.rows.length - rows.length} more.</p>}
    </div>
  );
}

function cellText(v: unknown): string {
  if (v === undefined || v === null) return "";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}

/** Pick runs of one of the workspace's pipelines; their inputs become rows (outputs, the expected values). */
function RunPicker({ workspace, selected, onChange, withOutputs, onWithOutputs }: {
  workspace: string;
  selected: number[];
  onChange(ids: number[]): void;
  withOutputs: boolean;
  onWithOutputs(v: boolean): void;
}) {
  const [pipelines, setPipelines] = useState<PipelineSummary[] | null>(null);
  const [pipeline, setPipeline] = useState("");
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  useEffect(() => {
    pipelinesApi.list().then((all) => {
      const mine = all.filter((p) => String(p.workspace) === workspace);
      setPipelines(mine);
      if (mine.length) setPipeline(String(mine[0].id));
    }, () => setPipelines([]));
  }, [workspace]);
  useEffect(() => {
    let current = true; // a slower answer for the pipeline picked before must not win
    setRuns(null);
    onChange([]);
    if (pipeline) runsApi.list(pipeline, 200).then((r) => current && setRuns(r), () => current && setRuns([]));
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pipeline]);
  const done = (runs ?? []).filter((r) => r.status === "succeeded");
  const toggle = (id: number) => onChange(selected.includes(id) ? selected.filter((x) => x !== id) : [...selected, id]);
  return (
    <div className="form">
      <div className="field">
        <label className="field-label" htmlFor="nd-pipeline">Pipeline</label>
        <select id="nd-pipeline" className="input" value={pipeline} onChange={(e) => setPipeline(e.target.value)} disabled={!pipelines?.length}>
          {(pipelines ?? []).map((p) => <option key={p.id} value={String(p.id)}>{p.name}</option>)}
        </select>
      </div>
      {runs === null ? <p className="muted small">Loading runs…</p> : done.length === 0 ? <p className="muted small">This pipeline has no succeeded runs yet.</p> : (
        <>
          <div className="row">
            <button type="button" className="btn btn-small" onClick={() => onChange(selected.length === done.length ? [] : done.map((r) => Number(r.id)))}>
              {selected.length === done.length ? "Select none" : `Select all ${done.length}`}
            </button>
            <label className="field-check small">
              <input type="checkbox" checked={withOutputs} onChange={(e) => onWithOutputs(e.target.checked)} />
              Use each run's output as the expected output
            </label>
          </div>
          <ul className="run-pick">
            {done.map((r) => (
              <li key={r.id}>
                <label className="field-check">
                  <input type="checkbox" checked={selected.includes(Number(r.id))} onChange={() => toggle(Number(r.id))} />
                  Run #{r.id} · {timeAgo(r.created_at)}{r.started_by ? ` · ${r.started_by}` : ""}{r.version ? ` · v${r.version}` : ""}
                </label>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
