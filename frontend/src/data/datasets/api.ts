/** A workspace's datasets (docs/experiments-api.md): rows of inputs and expected outputs, their routes and wire types. */
import { ApiError, request } from "../../shared/api/client";

const enc = encodeURIComponent;

export interface DatasetSummary {
  id: number | string;
  workspace?: number | string;
  name: string;
  description: string;
  row_count: number;
  columns: string[];
  created_at: string;
  updated_at: string;
}

export interface DatasetRow {
  id: number | string;
  position: number;
  inputs: Record<string, unknown>;
  expected: string | null;
}

export interface Dataset extends DatasetSummary {
  rows: DatasetRow[];
}

export interface NewRow {
  inputs: Record<string, unknown>;
  expected?: string | null;
}

/** One import problem, by line of the file (1-based, the header is line 1 of a CSV). */
export interface ImportError {
  line: number;
  field?: string;
  message: string;
}

export const datasetsApi = {
  list: (ws: string | number) => request<DatasetSummary[]>("GET", `/api/workspaces/${enc(String(ws))}/datasets`),
  create: (ws: string | number, body: { name: string; description?: string; rows?: NewRow[] }) =>
    request<Dataset>("POST", `/api/workspaces/${enc(String(ws))}/datasets`, body),
  importFile: (ws: string | number, file: File | Blob, name: string, filename: string, expectedColumn?: string) => {
    const form = new FormData();
    form.append("file", file, filename);
    form.append("name", name);
    if (expectedColumn) form.append("expected_column", expectedColumn);
    return request<Dataset>("POST", `/api/workspaces/${enc(String(ws))}/datasets/import`, form);
  },
  fromRuns: (ws: string | number, body: { name: string; run_ids: number[]; with_outputs: boolean }) =>
    request<Dataset>("POST", `/api/workspaces/${enc(String(ws))}/datasets/from-runs`, body),
  get: (id: string | number) => request<Dataset>("GET", `/api/datasets/${enc(String(id))}`),
  patch: (id: string | number, body: { name?: string; description?: string }) =>
    request<DatasetSummary>("PATCH", `/api/datasets/${enc(String(id))}`, body),
  remove: (id: string | number) => request<void>("DELETE", `/api/datasets/${enc(String(id))}`),
  addRows: (id: string | number, rows: NewRow[]) =>
    request<{ rows: DatasetRow[] }>("POST", `/api/datasets/${enc(String(id))}/rows`, { rows }),
  patchRow: (id: string | number, rowId: string | number, body: { inputs?: Record<string, unknown>; expected?: string | null }) =>
    request<DatasetRow>("PATCH", `/api/datasets/${enc(String(id))}/rows/${enc(String(rowId))}`, body),
  deleteRow: (id: string | number, rowId: string | number) =>
    request<void>("DELETE", `/api/datasets/${enc(String(id))}/rows/${enc(String(rowId))}`),
};

/** Import errors of a refused import (`details.errors`: `[{line, field?, message}]`), or []. */
export function importErrors(e: unknown): ImportError[] {
  if (!(e instanceof ApiError)) return [];
  return e.errors
    .filter((x): x is Record<string, unknown> => !!x && typeof x === "object")
    .map((x) => ({ line: Number(x.line) || 0, field: typeof x.field === "string" ? x.field : undefined, message: String(x.message ?? "") }));
}
