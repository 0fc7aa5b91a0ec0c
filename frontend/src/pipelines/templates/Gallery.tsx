/** The template gallery on the pipeline list: one card per template; "Use template" creates its pipeline(s). */
import { useEffect, useState } from "react";
import { toast } from "../../shared/ui/toast";
import { Dialog } from "../../shared/ui/Dialog";
import { templatesApi, type TemplateCreated, type TemplateInfo } from "./api";
import { createsNote, openAfterUse, showsOf } from "./gallery";
import "./gallery.css";

export function TemplateGallery({ workspace, canEdit = true, onCreated }: { workspace?: number | string; canEdit?: boolean; onCreated?(): void }) {
  const [items, setItems] = useState<TemplateInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [created, setCreated] = useState<TemplateCreated | null>(null);

  useEffect(() => {
    templatesApi.list().then(setItems, (e) => setError((e as Error).message));
  }, []);

  async function use(t: TemplateInfo) {
    setBusy(t.slug);
    try {
      const made = await templatesApi.use(t.slug, workspace);
      const url = openAfterUse(made);
      if (url) {
        location.assign(url);
        return;
      }
      setCreated(made);
      onCreated?.();
    } catch (e) {
      toast(`Could not use “${t.title}”: ${(e as Error).message}`, "error");
    }
    setBusy(null);
  }

  if (error) return <p className="error-text" role="alert">Could not load the templates: {error}</p>;
  if (!items) return null;
  return (
    <section className="gallery" aria-labelledby="gallery-title">
      <h2 id="gallery-title">Start from a template</h2>
      <p className="muted small">Each runs as is, offline: a fake chat model and local embeddings. Switch the model in the LLM node's settings.</p>
      <ul className="gallery-cards">
        {items.map((t) => (
          <li key={t.slug} className="gallery-card" data-testid={`template-${t.slug}`}>
            <h3>{t.title}</h3>
            <p>{t.description}</p>
            {showsOf(t).length > 0 && (
              <p className="gallery-tags" aria-label="Shows">
                {showsOf(t).map((s) => (
                  <span key={s} className="badge">{s}</span>
                ))}
              </p>
            )}
            <p className={`muted small${t.pipelines.length > 1 ? " gallery-multi" : ""}`}>{createsNote(t)}</p>
            <button className="btn btn-primary btn-small" disabled={!canEdit || busy !== null} onClick={() => void use(t)}
              aria-label={`Use template ${t.title}`} title={canEdit ? undefined : "Viewers cannot create pipelines here"}>
              {busy === t.slug ? "Creating…" : "Use template"}
            </button>
          </li>
        ))}
      </ul>
      {created && (
        <Dialog title="Pipelines created" onClose={() => setCreated(null)}>
          <p>The template made {created.pipelines.length} pipelines. Run them in this order:</p>
          <ol className="gallery-created">
            {created.pipelines.map((p) => (
              <li key={p.id}>
                <a href={`/pipelines/${p.id}/`}>{p.name}</a>
                {p.description && <div className="muted small">{p.description}</div>}
              </li>
            ))}
          </ol>
          <div className="dialog-actions">
            <button className="btn" onClick={() => setCreated(null)}>Stay here</button>
            <a className="btn btn-primary" href={`/pipelines/${created.pipelines[0].id}/`} autoFocus>
              Open “{created.pipelines[0].name}”
            </a>
          </div>
        </Dialog>
      )}
    </section>
  );
}
