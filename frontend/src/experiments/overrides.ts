/**
 * The experiment form's pure half: variants whose overrides are picked from the canvas (a node
 * and one of its config fields, by the node type's JSON schema), scorers, and the request body.
 */
import type { GraphDoc, GraphNode, NodeTypeSpec } from "../shared/api/types";
import { schemaToFields, type FormField } from "../editor/settings/schemaForm";
import { outputNames } from "../graph/runInputs";
import type { ExperimentBody, Override, ScorerKind, ScorerSpec } from "./api";

export interface VariantDraft {
  key: number;
  name: string;
  overrides: Override[];
}

export interface ExperimentDraft {
  name: string;
  dataset: string;
  concurrency: number;
  output: string;
  variants: VariantDraft[];
  scorers: ScorerSpec[];
}

export const MIN_VARIANTS = 2;
export const MAX_VARIANTS = 10;
export const MAX_CONCURRENCY = 200;

/** Fields a variant may override: the node type's top-level config fields. */
export function overridableFields(spec: NodeTypeSpec | undefined): FormField[] {
  if (!spec) return [];
  return schemaToFields(spec.config_schema);
}

/** Nodes whose config can be overridden (those with at least one config field), in canvas order. */
export function overridableNodes(doc: GraphDoc, byType: Record<string, NodeTypeSpec>): GraphNode[] {
  return doc.nodes.filter((n) => n.type !== "input" && n.type !== "output" && overridableFields(byType[n.type]).length > 0);
}

export function nodeTitle(n: GraphNode, byType: Record<string, NodeTypeSpec>): string {
  return n.label || byType[n.type]?.title || n.type;
}

/** The node's current value of a field (its config, else the schema default). */
export function currentValue(n: GraphNode, field: FormField): unknown {
  const v = n.config?.[field.name];
  return v === undefined ? structuredClone(field.default) ?? null : structuredClone(v);
}

/** Add or replace (node, field) in a variant's overrides; one override per node field. */
export function setOverride(overrides: Override[], o: Override): Override[] {
  const i = overrides.findIndex((x) => x.node === o.node && x.field === o.field);
  if (i < 0) return [...overrides, o];
  return overrides.map((x, j) => (j === i ? o : x));
}

export function removeOverride(overrides: Override[], node: string, field: string): Override[] {
  return overrides.filter((x) => !(x.node === node && x.field === field));
}

export function shortValue(v: unknown, max = 40): string {
  const s = typeof v === "string" ? v : JSON.stringify(v) ?? "null";
  const one = s.replace(/\s+/g, " ");
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** "Answer (llm1) · model = fake-large" */
export function describeOverride(o: Override, doc: GraphDoc, byType: Record<string, NodeTypeSpec>): string {
  const n = doc.nodes.find((x) => x.id === o.node);
  const where = n ? `${nodeTitle(n, byType)} (${n.id})` : `${o.node} (missing)`;
  return `${where} · ${o.field} = ${shortValue(o.value)}`;
}

/** The next free variant name: A, B, C… */
export function nextVariantName(variants: { name: string }[]): string {
  const used = new Set(variants.map((v) => v.name));
  for (let i = 0; i < 26; i++) {
    const name = String.fromCharCode(65 + i);
    if (!used.has(name)) return name;
  }
  return `Variant ${variants.length + 1}`;
}

export function defaultScorer(kind: ScorerKind, provider = "fake", model = "fake-small"): ScorerSpec {
  switch (kind) {
    case "regex":
      return { kind, pattern: "" };
    case "json_field":
      return { kind, path: "" };
    case "similarity":
      return { kind, provider: "local", model: "" };
    case "judge":
      return { kind, provider, model, credential: null, rubric: DEFAULT_RUBRIC };
    default:
      return { kind };
  }
}

export const DEFAULT_RUBRIC = `You grade an answer against the expected one.
Question: {{ input }}
Expected: {{ expected }}
Answer: {{ output }}
Reply with a score from 0 to 1 on the first line, then one sentence of reasons.`;

export interface DraftError {
  field: string;
  message: string;
}

function validRegex(pattern: string): string | null {
  try {
    new RegExp(pattern);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Check a draft against the pipeline and the catalog, and build the request body. Every problem
 * is returned at once, each naming the form field it belongs to (`variants.1.overrides.0`, …).
 */
export function buildExperimentBody(draft: ExperimentDraft, doc: GraphDoc, byType: Record<string, NodeTypeSpec>): { body: ExperimentBody | null; errors: DraftError[] } {
  const errors: DraftError[] = [];
  const name = draft.name.trim();
  if (!name) errors.push({ field: "name", message: "Name the experiment." });
  if (!draft.dataset) errors.push({ field: "dataset", message: "Pick a dataset." });
  if (!Number.isInteger(draft.concurrency) || draft.concurrency < 1 || draft.concurrency > MAX_CONCURRENCY) {
    errors.push({ field: "concurrency", message: `Concurrency is a whole number from 1 to ${MAX_CONCURRENCY}.` });
  }
  const outputs = outputNames(doc);
  if (!outputs.length) errors.push({ field: "output", message: "The pipeline has no output node to score." });
  else if (draft.output && !outputs.includes(draft.output)) errors.push({ field: "output", message: `No output named “${draft.output}”.` });
  if (draft.variants.length < MIN_VARIANTS || draft.variants.length > MAX_VARIANTS) {
    errors.push({ field: "variants", message: `An experiment has ${MIN_VARIANTS} to ${MAX_VARIANTS} variants.` });
  }
  const names = new Set<string>();
  const signatures = new Map<string, string>();
  draft.variants.forEach((v, i) => {
    const vname = v.name.trim();
    if (!vname) errors.push({ field: `variants.${i}.name`, message: `Variant ${i + 1} needs a name.` });
    else if (names.has(vname)) errors.push({ field: `variants.${i}.name`, message: `Two variants are named “${vname}”.` });
    names.add(vname);
    v.overrides.forEach((o, j) => {
      const n = doc.nodes.find((x) => x.id === o.node);
      const where = `variants.${i}.overrides.${j}`;
      if (!n) {
        errors.push({ field: where, message: `Variant ${vname || i + 1}: node ${o.node} is no longer on the canvas.` });
        return;
      }
      if (!overridableFields(byType[n.type]).some((f) => f.name === o.field)) {
        errors.push({ field: where, message: `Variant ${vname || i + 1}: ${n.type} has no setting “${o.field}”.` });
      }
    });
    const sig = JSON.stringify([...v.overrides].map((o) => [o.node, o.field, o.value]).sort());
    const twin = signatures.get(sig);
    if (twin !== undefined) errors.push({ field: `variants.${i}`, message: `Variant ${vname || i + 1} is the same as ${twin}.` });
    else signatures.set(sig, vname || String(i + 1));
  });
  draft.scorers.forEach((s, i) => {
    const where = `scorers.${i}`;
    if (s.kind === "regex") {
      if (!s.pattern) errors.push({ field: where, message: "The regex scorer needs a pattern." });
      else {
        const bad = validRegex(s.pattern);
        if (bad) errors.push({ field: where, message: `Invalid pattern: ${bad}` });
      }
    }
    if (s.kind === "json_field" && !s.path.trim()) errors.push({ field: where, message: "The JSON field scorer needs a field path." });
    if (s.kind === "judge") {
      if (!s.rubric.trim()) errors.push({ field: where, message: "The judge needs a rubric." });
      if (!s.model.trim()) errors.push({ field: where, message: "The judge needs a model." });
    }
    if (s.kind === "similarity" && !s.provider.trim()) errors.push({ field: where, message: "The similarity scorer needs an embedding provider." });
  });
  if (errors.length) return { body: null, errors };
  const scorers = draft.scorers.map((s): ScorerSpec => {
    if (s.kind === "json_field") return { kind: s.kind, path: s.path.trim() };
    if (s.kind === "judge") {
      const { credential, ...rest } = s;
      return credential === null || credential === undefined || credential === "" ? rest : { ...rest, credential };
    }
    return s;
  });
  return {
    body: {
      name,
      dataset: Number(draft.dataset) || draft.dataset,
      version: null,
      concurrency: draft.concurrency,
      variants: draft.variants.map((v) => ({ name: v.name.trim(), overrides: v.overrides.map((o) => ({ node: o.node, field: o.field, value: o.value })) })),
      scorers,
      ...(draft.output ? { output: draft.output } : {}),
    },
    errors: [],
  };
}

/** Errors from the server's 400 (`details.errors` or `details` keyed by field) as a list of lines. */
export function serverErrors(details: unknown): string[] {
  if (!details || typeof details !== "object") return [];
  const d = details as Record<string, unknown>;
  if (Array.isArray(d.errors)) {
    return d.errors.map((e) => {
      if (typeof e === "string") return e;
      const o = e as Record<string, unknown>;
      const where = ["variant", "node", "field"].map((k) => o[k]).filter((x) => x !== undefined && x !== null && x !== "").join(" · ");
      return `${where ? `${where}: ` : ""}${String(o.message ?? JSON.stringify(o))}`;
    });
  }
  return Object.entries(d).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(" ") : typeof v === "string" ? v : JSON.stringify(v)}`);
}
