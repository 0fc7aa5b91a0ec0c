/** Renders the fields that schemaForm.ts derives from a node's config JSON schema. */
import { useState } from "react";
import type { CredentialInfo, JsonSchema, ProviderSpec } from "../../shared/api/types";
import { credentialsFor } from "./credentialPicker";
import { boundError, chosenProvider, coerce, defaultItem, modelSuggestions, providerChoices, schemaToFields, templateVariables, type FormField } from "./schemaForm";

interface Props {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange(name: string, value: unknown): void;
  errors?: Record<string, string>;
  /** Every provider of the catalog; a provider field offers those of its kind. */
  providers?: ProviderSpec[];
  /** The workspace's stored credentials; undefined while unknown (a text box then). A credential
   * field offers those that fit it (credentialPicker.ts). */
  credentials?: CredentialInfo[];
  /** The node's provider when the form has no provider field of its own (one overridden setting). */
  provider?: unknown;
  readOnly?: boolean;
  idPrefix: string;
}

export function SchemaForm({ schema, value, onChange, errors = {}, providers = [], credentials, provider: given, readOnly, idPrefix }: Props) {
  const fields = schemaToFields(schema);
  const provider = chosenProvider(fields, value, given);
  return (
    <div className="form">
      {fields.map((f) => (
        <FieldRow key={f.name} field={f} value={value[f.name]} onChange={(v) => onChange(f.name, v)} error={errors[f.name]}
          providers={f.kind === "provider" ? providerChoices(f, providers) : []}
          credentials={f.kind === "credential" && credentials ? credentialsFor(credentials, provider, f.credentialProvider) : undefined}
          readOnly={readOnly} id={`${idPrefix}-${f.name}`} suggestions={modelSuggestions(f, providers, provider)} />
      ))}
    </div>
  );
}

function FieldRow({ field, value, onChange, error, providers, credentials, readOnly, id, suggestions = [] }: {
  field: FormField;
  suggestions?: string[];
  value: unknown;
  onChange(v: unknown): void;
  error?: string;
  providers: ProviderSpec[];
  credentials?: CredentialInfo[];
  readOnly?: boolean;
  id: string;
}) {
  const v = value === undefined ? field.default : value;
  const bound = boundError(field, v);
  const msg = error ?? bound;
  const describedBy = `${id}-desc`;
  const label = (
    <label htmlFor={id} className="field-label">
      {field.label}
      {field.required && <span aria-hidden="true"> *</span>}
    </label>
  );
  let control;
  if (field.kind === "provider" && providers.length) {
    control = (
      <select id={id} className="input" value={String(v ?? "")} disabled={readOnly} onChange={(e) => onChange(e.target.value)} aria-describedby={describedBy}>
        {providers.map((p) => (
          <option key={p.name} value={p.name}>
            {p.title}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === "boolean") {
    return (
      <div className="field field-check">
        <input id={id} type="checkbox" checked={!!v} disabled={readOnly} onChange={(e) => onChange(e.target.checked)} aria-describedby={describedBy} />
        {label}
        {field.description && <p id={describedBy} className="field-desc">{field.description}</p>}
      </div>
    );
  } else if (field.kind === "select") {
    control = (
      <select id={id} className="input" value={v === null || v === undefined ? "" : String(v)} disabled={readOnly} aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value === "" && field.nullable ? null : field.options!.find((o) => String(o.value) === e.target.value)?.value)}>
        {(field.nullable || v === undefined) && <option value="">—</option>}
        {field.options!.map((o) => (
          <option key={String(o.value)} value={String(o.value)}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === "integer" || field.kind === "number") {
    control = (
      <input id={id} className="input" type="number" value={v === null || v === undefined ? "" : String(v)} min={field.min} max={field.max}
        step={field.kind === "integer" ? 1 : "any"} disabled={readOnly} aria-describedby={describedBy} aria-invalid={!!msg}
        onChange={(e) => onChange(coerce(field, e.target.value))} />
    );
  } else if (field.kind === "template" || field.kind === "textarea") {
    const text = typeof v === "string" ? v : "";
    const vars = field.kind === "template" ? templateVariables(text) : [];
    control = (
      <>
        <textarea id={id} className={`input textarea${field.kind === "template" ? " mono" : ""}`} rows={field.kind === "template" ? 6 : 3} value={text}
          disabled={readOnly} aria-describedby={describedBy} spellCheck={field.kind !== "template"}
          onChange={(e) => onChange(e.target.value === "" && field.nullable ? null : e.target.value)} />
        {field.kind === "template" && (
          <p className="hint">
            {vars.length ? <>Variables (input ports): {vars.map((x) => <code key={x}>{x}</code>)}</> : <>Use <code>{"{{ name }}"}</code> to add an input port.</>}
          </p>
        )}
      </>
    );
  } else if (field.kind === "list") {
    control = <ListEditor field={field} value={Array.isArray(v) ? v : []} onChange={onChange} readOnly={readOnly} id={id} />;
  } else if (field.kind === "json") {
    control = <JsonEditor value={v} onChange={onChange} readOnly={readOnly} id={id} describedBy={describedBy} />;
  } else if (field.kind === "credential" && credentials) {
    const cur = v === null || v === undefined ? "" : String(v);
    const known = credentials.some((c) => String(c.id) === cur);
    control = (
      <select id={id} className="input" value={cur} disabled={readOnly} aria-describedby={describedBy} data-testid="credential-select"
        onChange={(e) => onChange(e.target.value === "" ? null : e.target.value)}>
        <option value="">none / environment default</option>
        {credentials.map((c) => (
          <option key={c.id} value={String(c.id)}>
            {c.name ?? `#${c.id}`} ({c.provider}{c.hint ? `, ${c.hint}` : ""})
          </option>
        ))}
        {cur && !known && <option value={cur}>{`#${cur} (not a ${credentials.length ? "credential of this provider" : "stored credential"})`}</option>}
      </select>
    );
  } else {
    // text, a provider while the catalog is unknown, a credential id while the credentials are
    control = (
      <>
        <input id={id} className="input" type="text" value={v === null || v === undefined ? "" : String(v)} disabled={readOnly} aria-describedby={describedBy}
          placeholder={field.kind === "credential" ? "credential id" : undefined} autoComplete="off"
          list={suggestions.length ? `${id}-suggestions` : undefined}
          onChange={(e) => onChange(coerce(field, e.target.value))} />
        {suggestions.length > 0 && (
          <datalist id={`${id}-suggestions`} data-testid="model-suggestions">
            {suggestions.map((m) => <option key={m} value={m} />)}
          </datalist>
        )}
      </>
    );
  }
  return (
    <div className={`field${msg ? " field-invalid" : ""}`}>
      {label}
      {control}
      {field.description && <p id={describedBy} className="field-desc">{field.description}</p>}
      {msg && <p className="field-error" role="alert">{msg}</p>}
    </div>
  );
}

function ListEditor({ field, value, onChange, readOnly, id }: { field: FormField; value: unknown[]; onChange(v: unknown): void; readOnly?: boolean; id: string }) {
  const set = (i: number, item: unknown) => onChange(value.map((x, j) => (j === i ? item : x)));
  return (
    <div className="list-editor" role="group" aria-labelledby={`${id}-group`}>
      {value.map((item, i) => (
        <div key={i} className="list-item">
          {field.itemFields ? (
            <SchemaForm
              schema={{ type: "object", properties: Object.fromEntries(field.itemFields.map((f) => [f.name, f.schema])), required: field.itemFields.filter((f) => f.required).map((f) => f.name) }}
              value={(item ?? {}) as Record<string, unknown>}
              onChange={(name, v) => set(i, { ...(item as object), [name]: v })}
              readOnly={readOnly}
              idPrefix={`${id}-${i}`}
            />
          ) : (
            <input className="input" aria-label={`${field.label} ${i + 1}`} value={String(item ?? "")} disabled={readOnly}
              onChange={(e) => set(i, field.itemKind === "integer" || field.itemKind === "number" ? Number(e.target.value) : e.target.value)} />
          )}
          {!readOnly && (
            <div className="list-item-actions">
              <button type="button" className="btn btn-small" disabled={i === 0} aria-label="Move up" onClick={() => { const c = [...value]; [c[i - 1], c[i]] = [c[i], c[i - 1]]; onChange(c); }}>↑</button>
              <button type="button" className="btn btn-small btn-danger" aria-label={`Remove ${field.label} ${i + 1}`} onClick={() => onChange(value.filter((_, j) => j !== i))}>Remove</button>
            </div>
          )}
        </div>
      ))}
      {!readOnly && (
        <button type="button" className="btn btn-small" onClick={() => onChange([...value, defaultItem(field)])}>
          Add {field.itemFields ? "item" : "value"}
        </button>
      )}
    </div>
  );
}

function JsonEditor({ value, onChange, readOnly, id, describedBy }: { value: unknown; onChange(v: unknown): void; readOnly?: boolean; id: string; describedBy: string }) {
  const [text, setText] = useState(() => (value === undefined ? "" : JSON.stringify(value, null, 2)));
  const [bad, setBad] = useState<string | null>(null);
  return (
    <>
      <textarea id={id} className="input textarea mono" rows={4} value={text} disabled={readOnly} aria-describedby={describedBy} aria-invalid={!!bad}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(e.target.value.trim() === "" ? null : JSON.parse(e.target.value));
            setBad(null);
          } catch (err) {
            setBad((err as Error).message);
          }
        }} />
      {bad && <p className="field-error">Invalid JSON: {bad}</p>}
    </>
  );
}
