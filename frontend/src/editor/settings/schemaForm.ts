/**
 * Map a pydantic v2 JSON schema to a list of form fields. Pure: the settings panel renders
 * whatever this returns, so every widget decision is made (and tested) here, from the schema
 * alone: its types and bounds, and the server's `x-widget` hints (builder/nodes/support/widgets.py),
 * never from node type or field names.
 */
import type { JsonSchema, ProviderSpec } from "../../shared/api/types";

export type FieldKind =
  | "text"
  | "textarea"
  | "template"
  | "integer"
  | "number"
  | "boolean"
  | "select"
  | "list"
  | "json"
  | "credential"
  | "provider";

export interface FormField {
  name: string;
  label: string;
  kind: FieldKind;
  description: string;
  required: boolean;
  nullable: boolean;
  default: unknown;
  options?: { value: unknown; label: string }[];
  min?: number;
  max?: number;
  /** For `list`: the fields of each item (arrays of objects), or null for scalar items. */
  itemFields?: FormField[] | null;
  itemKind?: FieldKind;
  /** A model name field: suggest the chosen provider's models of this kind. */
  models?: ModelKind;
  /** A provider field: offer the providers of this kind. */
  providers?: ModelKind;
  /** A credential field that takes credentials of this one provider only (else: the chosen provider's). */
  credentialProvider?: string;
  schema: JsonSchema;
}

export type ModelKind = "chat" | "embeddings";

const isModelKind = (v: unknown): v is ModelKind => v === "chat" || v === "embeddings";

function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let s = schema;
  for (let guard = 0; s.$ref && guard < 20; guard++) {
    const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(s.$ref);
    const target = m ? (root[m[1]] as Record<string, JsonSchema> | undefined)?.[m[2]] : undefined;
    if (!target) break;
    const { $ref: _drop, ...rest } = s;
    s = { ...target, ...rest };
  }
  if (s.allOf && s.allOf.length === 1) {
    const { allOf, ...rest } = s;
    s = { ...resolveRef(allOf[0], root), ...rest };
  }
  return s;
}

/** Unwrap `anyOf: [X, {type: null}]` (pydantic's Optional[X]) into X plus a nullable flag. */
function unwrapNullable(schema: JsonSchema, root: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const s = resolveRef(schema, root);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) {
    const nonNull = alts.filter((a) => a.type !== "null");
    const nullable = nonNull.length < alts.length;
    if (nonNull.length === 1) {
      const { anyOf: _a, oneOf: _o, ...rest } = s;
      return { schema: { ...resolveRef(nonNull[0], root), ...rest }, nullable };
    }
    return { schema: s, nullable };
  }
  if (Array.isArray(s.type)) {
    const types = s.type.filter((t) => t !== "null");
    return { schema: { ...s, type: types.length === 1 ? types[0] : types }, nullable: types.length < s.type.length };
  }
  return { schema: s, nullable: false };
}

function humanize(name: string): string {
  const words = name.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function kindOf(s: JsonSchema): FieldKind {
  const widget = (s["x-widget"] ?? s["widget"] ?? s.format) as string | undefined;
  if (widget === "credential") return "credential";
  if (widget === "provider") return "provider";
  if (widget === "template" || widget === "jinja") return "template";
  if (widget === "textarea" || widget === "multiline") return "textarea";
  if (s.enum || s.const !== undefined) return "select";
  const t = s.type;
  if (t === "boolean") return "boolean";
  if (t === "integer") return "integer";
  if (t === "number") return "number";
  if (t === "array") return "list";
  if (t === "string") return (s.maxLength ?? 0) > 2000 ? "textarea" : "text";
  return "json";
}

function fieldFor(name: string, raw: JsonSchema, root: JsonSchema, required: boolean): FormField {
  const { schema: s, nullable } = unwrapNullable(raw, root);
  const kind = kindOf(s);
  const field: FormField = {
    name,
    label: (s.title as string | undefined) ?? humanize(name),
    kind,
    description: (s.description as string | undefined) ?? "",
    required,
    nullable,
    default: s.default,
    schema: s,
  };
  if (kind === "text" && isModelKind(s["x-models"])) field.models = s["x-models"];
  if (kind === "provider" && isModelKind(s["x-providers"])) field.providers = s["x-providers"];
  if (kind === "credential" && typeof s["x-credential-provider"] === "string") field.credentialProvider = s["x-credential-provider"];
  if (kind === "select") {
    const values = s.enum ?? [s.const];
    field.options = values.map((v) => ({ value: v, label: String(v) }));
  }
  if (kind === "integer" || kind === "number") {
    if (s.minimum !== undefined) field.min = s.minimum;
    else if (s.exclusiveMinimum !== undefined) field.min = s.exclusiveMinimum + (kind === "integer" ? 1 : Number.EPSILON);
    if (s.maximum !== undefined) field.max = s.maximum;
    else if (s.exclusiveMaximum !== undefined) field.max = s.exclusiveMaximum - (kind === "integer" ? 1 : Number.EPSILON);
  }
  if (kind === "list") {
    const items = s.items ? resolveRef(s.items, root) : {};
    if (items.type === "object" || items.properties) {
      field.itemFields = schemaToFields(items, root);
    } else {
      field.itemFields = null;
      field.itemKind = kindOf(items);
    }
  }
  return field;
}

/** Fields of an object schema, in declaration order. `root` holds `$defs` (defaults to `schema`). */
export function schemaToFields(schema: JsonSchema, root: JsonSchema = schema): FormField[] {
  const s = resolveRef(schema, root);
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([name, prop]) => fieldFor(name, prop, root, required.has(name)));
}

/** Default config from a schema: every field's default (absent ones omitted). */
export function defaultConfig(schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of schemaToFields(schema)) {
    if (f.default !== undefined) out[f.name] = structuredClone(f.default);
    else if (f.required && f.kind === "list") out[f.name] = [];
    else if (f.required && (f.kind === "text" || f.kind === "textarea" || f.kind === "template" || f.kind === "provider")) out[f.name] = "";
  }
  return out;
}

/** Default value of one new list item. */
export function defaultItem(field: FormField): unknown {
  if (field.itemFields) {
    const o: Record<string, unknown> = {};
    for (const f of field.itemFields) o[f.name] = f.default !== undefined ? structuredClone(f.default) : f.kind === "boolean" ? false : f.kind === "integer" || f.kind === "number" ? 0 : "";
    return o;
  }
  return field.itemKind === "integer" || field.itemKind === "number" ? 0 : "";
}

/** Coerce a form input's string to the field's value (null for an emptied nullable field). */
export function coerce(field: FormField, raw: string): unknown {
  if (raw === "" && field.nullable) return null;
  if (field.kind === "integer") {
    const n = Number.parseInt(raw, 10);
    return Number.isNaN(n) ? (field.nullable ? null : raw) : n;
  }
  if (field.kind === "number") {
    const n = Number.parseFloat(raw);
    return Number.isNaN(n) ? (field.nullable ? null : raw) : n;
  }
  return raw;
}

/** A bound error for a numeric field, or null. */
export function boundError(field: FormField, value: unknown): string | null {
  if (typeof value !== "number") return null;
  if (field.min !== undefined && value < field.min) return `At least ${field.min}`;
  if (field.max !== undefined && value > field.max) return `At most ${field.max}`;
  if (field.kind === "integer" && !Number.isInteger(value)) return "Whole number";
  return null;
}

/** Jinja variable names used in a template: `{{ name }}`, `{{ name.attr }}`, `{% for x in name %}`. */
export function templateVariables(template: string): string[] {
  const found = new Set<string>();
  const locals = new Set<string>();
  for (const m of template.matchAll(/\{%-?\s*for\s+([A-Za-z_]\w*)(?:\s*,\s*([A-Za-z_]\w*))?\s+in\s+([A-Za-z_]\w*)/g)) {
    locals.add(m[1]);
    if (m[2]) locals.add(m[2]);
    found.add(m[3]);
  }
  for (const m of template.matchAll(/\{\{-?\s*([A-Za-z_]\w*)/g)) {
    if (!locals.has(m[1]) && m[1] !== "loop") found.add(m[1]);
  }
  return [...found];
}

/** The provider chosen in a form: the value (else the default) of its provider field, else `fallback`. */
export function chosenProvider(fields: readonly FormField[], value: Record<string, unknown>, fallback?: unknown): unknown {
  const field = fields.find((f) => f.kind === "provider");
  if (!field) return fallback;
  return value[field.name] ?? field.default;
}

/** The providers a provider field offers: those with models of its kind. */
export function providerChoices(field: FormField, providers: readonly ProviderSpec[]): ProviderSpec[] {
  if (!field.providers) return [...providers];
  return providers.filter((p) => (field.providers === "embeddings" ? p.embeddings : p.chat));
}

/**
 * Model names to suggest for a model field, given the node's provider: the catalog's known
 * models of that kind (any other name may still be typed, e.g. a newer model or a local server's).
 */
export function modelSuggestions(field: FormField, providers: readonly ProviderSpec[], provider: unknown): string[] {
  if (!field.models || typeof provider !== "string") return [];
  const spec = providers.find((p) => p.name === provider);
  if (!spec) return [];
  return [...((field.models === "chat" ? spec.chat_models : spec.embedding_models) ?? [])];
}
