/** One scorer and its options: regex pattern, JSON field path, similarity model, judge provider/model/credential/rubric. */
import { templateVariables } from "../editor/settings/schemaForm";
import { useCatalog } from "../graph/catalog";
import { credentialsFor, useCredentials } from "../editor/settings/credentialPicker";
import type { ScorerKind, ScorerSpec } from "./api";
import { DEFAULT_RUBRIC, defaultScorer, type DraftError } from "./overrides";

export const SCORER_KINDS: Record<ScorerKind, { label: string; help: string; make(): ScorerSpec }> = {
  exact: { label: "Exact match", help: "1 when the output equals the expected output (trimmed), else 0.", make: () => defaultScorer("exact") },
  contains: { label: "Contains", help: "1 when the output contains the expected output.", make: () => defaultScorer("contains") },
  regex: { label: "Regex", help: "1 when the pattern matches the output.", make: () => defaultScorer("regex") },
  json_field: { label: "JSON field equals", help: "Parses the output as JSON; 1 when the field at the path equals the expected output.", make: () => defaultScorer("json_field") },
  similarity: { label: "Embedding similarity", help: "Cosine similarity of the output's and the expected output's embeddings.", make: () => defaultScorer("similarity") },
  judge: { label: "LLM judge", help: "A model grades each output with your rubric; its tokens and cost are counted apart.", make: () => defaultScorer("judge") },
};

const RUBRIC_VARS = ["input", "output", "expected"];

export function ScorerEditor({ index, scorer, readOnly, errors, onChange, onRemove }: {
  index: number;
  scorer: ScorerSpec;
  readOnly: boolean;
  errors: DraftError[];
  onChange(s: ScorerSpec): void;
  onRemove(): void;
}) {
  const providers = useCatalog((s) => s.catalog?.providers ?? []);
  const credentials = useCredentials((s) => s.list);
  const meta = SCORER_KINDS[scorer.kind];
  const id = `xs-${index}`;
  let options = null;
  if (scorer.kind === "regex") {
    options = (
      <div className="field">
        <label className="field-label" htmlFor={`${id}-pattern`}>Pattern</label>
        <input id={`${id}-pattern`} className="input mono" value={scorer.pattern} disabled={readOnly} placeholder="^(yes|no)\b" spellCheck={false}
          onChange={(e) => onChange({ ...scorer, pattern: e.target.value })} />
      </div>
    );
  } else if (scorer.kind === "json_field") {
    options = (
      <div className="field">
        <label className="field-label" htmlFor={`${id}-path`}>Field path</label>
        <input id={`${id}-path`} className="input mono" value={scorer.path} disabled={readOnly} placeholder="answer or items.0.name" spellCheck={false}
          onChange={(e) => onChange({ ...scorer, path: e.target.value })} />
      </div>
    );
  } else if (scorer.kind === "similarity") {
    options = (
      <div className="field-row">
        <div className="field">
          <label className="field-label" htmlFor={`${id}-provider`}>Embeddings</label>
          <select id={`${id}-provider`} className="input" value={scorer.provider} disabled={readOnly} onChange={(e) => onChange({ ...scorer, provider: e.target.value })}>
            {providers.filter((p) => p.embeddings).map((p) => <option key={p.name} value={p.name}>{p.title}</option>)}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${id}-model`}>Model</label>
          <input id={`${id}-model`} className="input" value={scorer.model} disabled={readOnly} placeholder="provider default" onChange={(e) => onChange({ ...scorer, model: e.target.value })} />
        </div>
      </div>
    );
  } else if (scorer.kind === "judge") {
    const creds = credentials ? credentialsFor(credentials, scorer.provider) : [];
    const unknownVars = templateVariables(scorer.rubric).filter((v) => !RUBRIC_VARS.includes(v));
    options = (
      <>
        <div className="field-row">
          <div className="field">
            <label className="field-label" htmlFor={`${id}-provider`}>Judge provider</label>
            <select id={`${id}-provider`} className="input" value={scorer.provider} disabled={readOnly}
              onChange={(e) => onChange({ ...scorer, provider: e.target.value, credential: null })}>
              {providers.filter((p) => p.chat).map((p) => <option key={p.name} value={p.name}>{p.title}</option>)}
            </select>
          </div>
          <div className="field">
            <label className="field-label" htmlFor={`${id}-model`}>Judge model</label>
            <input id={`${id}-model`} className="input" value={scorer.model} disabled={readOnly} onChange={(e) => onChange({ ...scorer, model: e.target.value })} />
          </div>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${id}-cred`}>Credential</label>
          <select id={`${id}-cred`} className="input" value={scorer.credential == null ? "" : String(scorer.credential)} disabled={readOnly}
            onChange={(e) => onChange({ ...scorer, credential: e.target.value || null })}>
            <option value="">none / environment default</option>
            {creds.map((c) => <option key={c.id} value={String(c.id)}>{c.name ?? `#${c.id}`} ({c.provider}{c.hint ? `, ${c.hint}` : ""})</option>)}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${id}-rubric`}>Rubric</label>
          <textarea id={`${id}-rubric`} className="input textarea mono" rows={7} value={scorer.rubric} disabled={readOnly} spellCheck={false}
            onChange={(e) => onChange({ ...scorer, rubric: e.target.value })} />
          <p className="hint">
            Variables: {RUBRIC_VARS.map((v) => <code key={v}>{`{{ ${v} }}`}</code>)} · The judge's first number (0–1) is the score.{" "}
            {!readOnly && scorer.rubric !== DEFAULT_RUBRIC && <button type="button" className="link" onClick={() => onChange({ ...scorer, rubric: DEFAULT_RUBRIC })}>Reset</button>}
          </p>
          {unknownVars.length > 0 && <p className="field-error">Unknown variable{unknownVars.length === 1 ? "" : "s"}: {unknownVars.join(", ")}</p>}
        </div>
      </>
    );
  }
  return (
    <section className="scorer-card" aria-label={`Scorer ${index + 1}: ${meta.label}`}>
      <div className="variant-head">
        <strong>{meta.label}</strong>
        <span className="toolbar-sep" />
        {!readOnly && <button className="icon-btn" aria-label={`Remove scorer ${index + 1}`} onClick={onRemove}>×</button>}
      </div>
      <p className="hint">{meta.help}</p>
      {options}
      {errors.map((e, i) => <p key={i} className="field-error">{e.message}</p>)}
    </section>
  );
}
