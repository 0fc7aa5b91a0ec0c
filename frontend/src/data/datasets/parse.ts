/**
 * Preview of pasted dataset text (CSV or JSONL) before it is sent: the same shape rules as the
 * server's import (docs/experiments-api.md), so problems show with their line numbers at once.
 * The server stays the judge; this only spares a round trip.
 */
import type { ImportError, NewRow } from "./api";

export type PasteFormat = "csv" | "jsonl";

export interface PastePreview {
  format: PasteFormat;
  /** Input columns, in order (the expected column excluded). */
  columns: string[];
  expectedColumn: string | null;
  rows: (NewRow & { line: number })[];
  errors: ImportError[];
}

export const LIMITS = { rows: 5000, columns: 100, cellChars: 100_000, fileBytes: 2 * 1024 * 1024 } as const;

/** JSONL when the first non-blank line opens an object, CSV otherwise. */
export function detectFormat(text: string): PasteFormat {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== "");
  return first !== undefined && first.trim().startsWith("{") ? "jsonl" : "csv";
}

/** RFC 4180 records with the 1-based line each starts on; quoted fields may span lines. */
export function parseCsv(text: string): { records: { line: number; fields: string[] }[]; error: ImportError | null } {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let start = 1;
  let quoted = false;
  let quoteLine = 0;
  let any = false; // whether the current record has any content
  const src = text.startsWith("\ufeff") ? text.slice(1) : text;
  const endRecord = () => {
    fields.push(field);
    if (any || fields.length > 1) records.push({ line: start, fields });
    fields = [];
    field = "";
    any = false;
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === "") {
      quoted = true;
      quoteLine = line;
      any = true;
    } else if (c === ",") {
      fields.push(field);
      field = "";
      any = true;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && src[i + 1] === "\n") i++;
      endRecord();
      line++;
      start = line;
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) return { records, error: { line: quoteLine, message: "Unterminated quoted field." } };
  if (field !== "" || fields.length) endRecord();
  return { records, error: null };
}

function pickExpected(columns: string[], wanted: string | null | undefined): string | null {
  if (wanted) return columns.includes(wanted) ? wanted : null;
  return columns.includes("expected") ? "expected" : null;
}

function cellError(line: number, field: string, value: unknown): ImportError | null {
  const s = typeof value === "string" ? value : JSON.stringify(value) ?? "";
  return s.length > LIMITS.cellChars ? { line, field, message: `Longer than ${LIMITS.cellChars} characters.` } : null;
}

function parseCsvPreview(text: string, expectedWanted?: string | null): PastePreview {
  const { records, error } = parseCsv(text);
  const errors: ImportError[] = error ? [error] : [];
  const out: PastePreview = { format: "csv", columns: [], expectedColumn: null, rows: [], errors };
  if (!records.length) {
    if (!error) errors.push({ line: 1, message: "No header row." });
    return out;
  }
  const header = records[0].fields.map((h) => h.trim());
  const seen = new Set<string>();
  header.forEach((h, i) => {
    if (!h) errors.push({ line: records[0].line, message: `Column ${i + 1} has no name.` });
    else if (seen.has(h)) errors.push({ line: records[0].line, field: h, message: `Duplicate column “${h}”.` });
    seen.add(h);
  });
  if (header.length > LIMITS.columns) errors.push({ line: records[0].line, message: `More than ${LIMITS.columns} columns.` });
  const expected = pickExpected(header, expectedWanted);
  if (expectedWanted && !expected) errors.push({ line: records[0].line, field: expectedWanted, message: `No column “${expectedWanted}”.` });
  out.expectedColumn = expected;
  out.columns = header.filter((h) => h && h !== expected);
  for (const rec of records.slice(1)) {
    if (rec.fields.length !== header.length) {
      errors.push({ line: rec.line, message: `Expected ${header.length} fields, found ${rec.fields.length}.` });
      continue;
    }
    const inputs: Record<string, unknown> = {};
    let bad = false;
    header.forEach((h, i) => {
      const e = cellError(rec.line, h, rec.fields[i]);
      if (e) {
        errors.push(e);
        bad = true;
      }
      if (h !== expected) inputs[h] = rec.fields[i];
    });
    if (!bad) out.rows.push({ line: rec.line, inputs, expected: expected ? rec.fields[header.indexOf(expected)] : null });
  }
  return out;
}

function parseJsonlPreview(text: string, expectedWanted?: string | null): PastePreview {
  const errors: ImportError[] = [];
  const out: PastePreview = { format: "jsonl", columns: [], expectedColumn: null, rows: [], errors };
  const columns: string[] = [];
  const expectedKey = expectedWanted || "expected";
  let sawExpected = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === "") return;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      errors.push({ line, message: `Invalid JSON: ${(e as Error).message}` });
      return;
    }
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) {
      errors.push({ line, message: "Each line must be a JSON object." });
      return;
    }
    const o = obj as Record<string, unknown>;
    let inputs: Record<string, unknown>;
    let expected: unknown = null;
    if ("inputs" in o) {
      if (!o.inputs || typeof o.inputs !== "object" || Array.isArray(o.inputs)) {
        errors.push({ line, field: "inputs", message: "“inputs” must be an object." });
        return;
      }
      inputs = o.inputs as Record<string, unknown>;
      expected = o.expected ?? o[expectedKey] ?? null;
    } else {
      const { [expectedKey]: exp, ...rest } = o;
      inputs = rest;
      expected = exp ?? null;
    }
    if (expected !== null && typeof expected !== "string") expected = JSON.stringify(expected);
    if (expected !== null) sawExpected = true;
    let bad = false;
    for (const [k, v] of Object.entries(inputs)) {
      if (!columns.includes(k)) columns.push(k);
      const e = cellError(line, k, v);
      if (e) {
        errors.push(e);
        bad = true;
      }
    }
    if (!bad) out.rows.push({ line, inputs, expected: expected as string | null });
  });
  if (columns.length > LIMITS.columns) errors.push({ line: 1, message: `More than ${LIMITS.columns} columns.` });
  out.columns = columns;
  out.expectedColumn = sawExpected ? expectedKey : null;
  return out;
}

/** Parse pasted text for the import preview; limits are checked like the server does. */
export function parsePaste(text: string, opts: { format?: PasteFormat; expectedColumn?: string | null } = {}): PastePreview {
  const format = opts.format ?? detectFormat(text);
  const out = format === "jsonl" ? parseJsonlPreview(text, opts.expectedColumn) : parseCsvPreview(text, opts.expectedColumn);
  if (out.rows.length > LIMITS.rows) out.errors.push({ line: out.rows[LIMITS.rows].line, message: `More than ${LIMITS.rows} rows.` });
  if (new Blob([text]).size > LIMITS.fileBytes) out.errors.push({ line: 1, message: "Larger than 2 MB." });
  out.errors.sort((a, b) => a.line - b.line);
  return out;
}

/** The file name the pasted text is uploaded under, so the server picks the same parser. */
export function pasteFilename(format: PasteFormat): string {
  return format === "jsonl" ? "pasted.jsonl" : "pasted.csv";
}
