/** One dataset: rename, describe, delete, and a table of its rows (inputs columns + expected), edited in place. */
import { useEffect, useState } from "react";
import { toast } from "../../shared/ui/toast";
import { Dialog } from "../../shared/ui/Dialog";
import { timeAgo } from "../../shared/ui/format";
import { datasetsApi, type Dataset, type DatasetRow } from "./api";

const PAGE = 200;

/** Text shown in a cell for an input value (JSON for non-strings). */
function toText(v: unknown): string {
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Text typed into a cell back to a value: JSON again where the cell held JSON before. */
function fromText(text: string, before: unknown): unknown {
  if (before !== undefined && before !== null && typeof before !== "string") {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export function DatasetEditor({ datasetId, readOnly, onChanged, onDeleted }: { datasetId: string; readOnly: boolean; onChanged(): void; onDeleted(): void }) {
  const [ds, setDs] = useState<Dataset | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [extraColumns, setExtraColumns] = useState<string[]>([]);
  const [newColumn, setNewColumn] = useState("");
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [name, setName] = useState<string | null>(null);
  const [description, setDescription] = useState<string | null>(null);
  const [shown, setShown] = useState(PAGE);

  useEffect(() => {
    datasetsApi.get(datasetId).then(setDs, (e) => setError((e as Error).message));
  }, [datasetId]);

  if (error) return <div className="panel-body error-text" role="alert">Could not open the dataset: {error}</div>;
  if (!ds) return <div className="panel-body muted" role="status">Loading dataset…</div>;

  const columns = [...ds.columns, ...extraColumns.filter((c) => !ds.columns.includes(c))];

  async function patchMeta(body: { name?: string; description?: string }) {
    try {
      const d = await datasetsApi.patch(datasetId, body);
      setDs((cur) => (cur ? { ...cur, ...d, rows: cur.rows } : cur));
      onChanged();
    } catch (e) {
      toast((e as Error).message, "error");
    }
  }

  async function saveCell(row: DatasetRow, column: string | null, text: string) {
    const body = column === null
      ? { expected: text === "" ? null : text }
      : { inputs: { ...row.inputs, [column]: fromText(text, row.inputs[column]) } };
    if (column === null ? (row.expected ?? "") === text : toText(row.inputs[column]) === text) return;
    try {
      const saved = await datasetsApi.patchRow(datasetId, row.id, body);
      setDs((cur) => (cur ? { ...cur, rows: cur.rows.map((r) => (r.id === row.id ? saved : r)) } : cur));
    } catch (e) {
      toast(`Row ${row.position + 1}: ${(e as Error).message}`, "error");
    }
  }

  async function addRow() {
    try {
      const { rows } = await datasetsApi.addRows(datasetId, [{ inputs: Object.fromEntries(columns.map((c) => [c, ""])), expected: null }]);
      setDs((cur) => (cur ? { ...cur, rows: [...cur.rows, ...rows], row_count: cur.row_count + rows.length } : cur));
      setShown((n) => Math.max(n, (ds?.rows.length ?? 0) + rows.length));
      onChanged();
    } catch (e) {
      toast((e as Error).message, "error");
    }
  }

  async function deleteRow(row: DatasetRow) {
    try {
      await datasetsApi.deleteRow(datasetId, row.id);
      setDs((cur) => (cur ? { ...cur, rows: cur.rows.filter((r) => r.id !== row.id), row_count: cur.row_count - 1 } : cur));
      onChanged();
    } catch (e) {
      toast((e as Error).message, "error");
    }
  }

  async function remove() {
    try {
      await datasetsApi.remove(datasetId);
      toast(`Deleted “${ds!.name}”.`, "success");
      onDeleted();
    } catch (e) {
      toast((e as Error).message, "error");
    }
  }

  function addColumn() {
    const c = newColumn.trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(c)) {
      toast("A column name is letters, digits and underscores, not starting with a digit.", "error");
      return;
    }
    if (columns.includes(c) || c === "expected") {
      toast(`There is already a column “${c}”.`, "error");
      return;
    }
    setExtraColumns((x) => [...x, c]);
    setNewColumn("");
  }

  return (
    <div className="panel-body dataset-editor" data-testid="dataset-editor">
      <div className="dataset-head">
        <input className="input name-input" aria-label="Dataset name" value={name ?? ds.name} disabled={readOnly}
          onChange={(e) => setName(e.target.value)}
          onBlur={() => {
            const n = (name ?? "").trim();
            setName(null);
            if (n && n !== ds.name) void patchMeta({ name: n });
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter") (e.target as HTMLInputElement).blur();
            if (e.key === "Escape") setName(null);
          }} />
        <span className="muted small" data-testid="dataset-count">{ds.rows.length} row{ds.rows.length === 1 ? "" : "s"} · updated {timeAgo(ds.updated_at)}</span>
        <span className="toolbar-sep" />
        {!readOnly && <button className="btn btn-danger btn-small" onClick={() => setConfirmDelete(true)}>Delete dataset</button>}
      </div>
      <textarea className="input textarea" rows={1} aria-label="Description" placeholder="Description" value={description ?? ds.description ?? ""} disabled={readOnly}
        onChange={(e) => setDescription(e.target.value)}
        onBlur={() => {
          const d = description;
          setDescription(null);
          if (d !== null && d !== (ds.description ?? "")) void patchMeta({ description: d });
        }} />
      <div className="table-scroll dataset-table-wrap">
        <table className="table compact dataset-table" data-testid="dataset-table">
          <thead>
            <tr>
              <th scope="col" className="num">#</th>
              {columns.map((c) => <th key={c} scope="col">{c} <span className="muted small">input</span></th>)}
              <th scope="col">expected</th>
              <th scope="col"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {ds.rows.slice(0, shown).map((r, i) => (
              <tr key={r.id}>
                <td className="muted num">{i + 1}</td>
                {columns.map((c) => (
                  <td key={c}>
                    <CellInput label={`Row ${i + 1} ${c}`} value={toText(r.inputs[c])} readOnly={readOnly} onSave={(t) => saveCell(r, c, t)} />
                  </td>
                ))}
                <td>
                  <CellInput label={`Row ${i + 1} expected`} value={r.expected ?? ""} readOnly={readOnly} onSave={(t) => saveCell(r, null, t)} />
                </td>
                <td>
                  {!readOnly && <button className="btn btn-small btn-danger" aria-label={`Delete row ${i + 1}`} onClick={() => void deleteRow(r)}>×</button>}
                </td>
              </tr>
            ))}
            {ds.rows.length === 0 && (
              <tr><td colSpan={columns.length + 3} className="muted">No rows yet.</td></tr>
            )}
          </tbody>
        </table>
      </div>
      {ds.rows.length > shown && <button className="btn btn-small" onClick={() => setShown((n) => n + PAGE)}>Show {Math.min(PAGE, ds.rows.length - shown)} more rows</button>}
      {!readOnly && (
        <div className="row">
          <button className="btn btn-small" onClick={() => void addRow()} data-testid="add-row">Add row</button>
          <span className="toolbar-sep" />
          <input className="input column-input" aria-label="New column name" placeholder="new column" value={newColumn}
            onChange={(e) => setNewColumn(e.target.value)} onKeyDown={(e) => { if (e.key === "Enter") addColumn(); }} />
          <button className="btn btn-small" onClick={addColumn} disabled={!newColumn.trim()}>Add column</button>
        </div>
      )}
      {confirmDelete && (
        <Dialog title="Delete dataset" onClose={() => setConfirmDelete(false)}>
          <p>Delete “{ds.name}” and its {ds.rows.length} rows? Experiments that used it keep their runs.</p>
          <div className="dialog-actions">
            <button className="btn" onClick={() => setConfirmDelete(false)}>Cancel</button>
            <button className="btn btn-danger" onClick={() => { setConfirmDelete(false); void remove(); }}>Delete</button>
          </div>
        </Dialog>
      )}
    </div>
  );
}

/** A cell's text, saved when it loses focus (Escape restores it). */
function CellInput({ label, value, readOnly, onSave }: { label: string; value: string; readOnly: boolean; onSave(text: string): Promise<void> }) {
  const [text, setText] = useState<string | null>(null);
  return (
    <textarea className="input cell-input" rows={Math.min(4, Math.max(1, (text ?? value).split("\n").length))} aria-label={label} value={text ?? value} disabled={readOnly}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          setText(null);
          (e.target as HTMLTextAreaElement).blur();
        }
      }}
      onBlur={() => {
        // Keep the typed text until the saved row comes back, so the old value does not flash.
        if (text !== null && text !== value) void onSave(text).finally(() => setText(null));
        else setText(null);
      }} />
  );
}
