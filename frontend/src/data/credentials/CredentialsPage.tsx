/**
 * A workspace's stored credentials: list (provider, name, masked hint, base URL), add, replace the
 * secret, edit name and base URL, delete. Secrets are write-only: typed into password fields,
 * sent once, never shown back. Viewers see provider and hint, read-only.
 */
import { useEffect, useState } from "react";
import { graphApi } from "../../graph/api";
import { ApiError } from "../../shared/api/client";
import type { ProviderSpec } from "../../shared/api/types";
import { toast } from "../../shared/ui/toast";
import { Dialog } from "../../shared/ui/Dialog";
import { timeAgo } from "../../shared/ui/format";
import { useLoaded } from "../../shared/ui/useLoaded";
import {
  credentialErrors,
  credentialProviders,
  credentialsApi,
  needsBaseUrl,
  type CredentialDraft,
  type StoredCredential,
} from "./credentials";
import { workspaceFromPath } from "../workspacePath";
import { teamApi, type WorkspaceInfo } from "../../team/api";
import { WorkspaceBar } from "../WorkspaceBar";
import "../data.css";

export default function CredentialsPage() {
  const wsId = workspaceFromPath(location.pathname);
  const [workspaces, setWorkspaces] = useState<WorkspaceInfo[]>([]);
  const [providers, setProviders] = useState<ProviderSpec[]>([]);
  const { value: items, error, reload } = useLoaded(wsId === null ? null : () => credentialsApi.list(wsId), [wsId]);
  const [adding, setAdding] = useState(false);
  const [replacing, setReplacing] = useState<StoredCredential | null>(null);
  const [deleting, setDeleting] = useState<StoredCredential | null>(null);

  useEffect(() => {
    void reload();
    teamApi.workspaces().then(setWorkspaces, () => undefined);
    graphApi.nodeTypes().then((c) => setProviders(credentialProviders(c.providers)), () => setProviders(credentialProviders([])));
  }, [reload]);

  if (wsId === null) return <main className="page-error">No workspace in the address.</main>;
  const role = workspaces.find((w) => w.id === wsId)?.role;
  const canEdit = role === "owner" || role === "editor";
  const titleOf = (name: string) => providers.find((p) => p.name === name)?.title ?? name;

  return (
    <main className="list-page data-page">
      <WorkspaceBar title="Credentials" workspaces={workspaces} current={wsId}>
        <a href={`/workspaces/${wsId}/data/`}>Documents and collections</a>
        {canEdit && (
          <button className="btn btn-primary" onClick={() => setAdding(true)}>
            Add credential
          </button>
        )}
      </WorkspaceBar>
      <p className="muted small">
        API keys for model providers and HTTP APIs. Nodes refer to them by name; runs use them inside the worker. A secret is never shown again after you save it, only its last characters.
        {role === "viewer" && " Viewers see which credentials exist, not their names or addresses."}
      </p>
      {error && <p className="error-text" role="alert">Could not load the credentials: {error}</p>}
      {items === null && !error && <p className="muted">Loading…</p>}
      {items && items.length === 0 && (
        <div className="empty">
          <p>No credentials in this workspace yet. Runs use the server's environment keys (OPENAI_API_KEY…) when set.</p>
          {canEdit && <button className="btn btn-primary" onClick={() => setAdding(true)}>Add a credential</button>}
        </div>
      )}
      {items && items.length > 0 && (
        <table className="table" aria-label="Credentials">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Provider</th>
              <th scope="col">Secret</th>
              <th scope="col">Base URL</th>
              <th scope="col">Updated</th>
              <th scope="col"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id} data-testid={`credential-${c.id}`}>
                <td className="pipeline-name">{c.name ?? <span className="muted">#{c.id}</span>}</td>
                <td>{titleOf(c.provider)}</td>
                <td><code aria-label="Masked secret">{c.hint}</code></td>
                <td className="mono small">{c.base_url ?? <span className="muted">{c.name === undefined ? "" : "provider default"}</span>}</td>
                <td>{c.updated_at ? timeAgo(c.updated_at) : ""}{c.created_by ? <span className="muted"> by {c.created_by}</span> : null}</td>
                <td className="row-actions">
                  {canEdit && (
                    <button className="btn btn-small" onClick={() => setReplacing(c)} aria-label={`Edit ${c.name}`}>
                      Edit / replace secret
                    </button>
                  )}
                  {role === "owner" && (
                    <button className="btn btn-small btn-danger" onClick={() => setDeleting(c)} aria-label={`Delete ${c.name}`}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {adding && (
        <AddDialog ws={wsId} providers={providers} onClose={() => setAdding(false)}
          onDone={(c) => {
            setAdding(false);
            toast(`Saved “${c.name}”.`, "success");
            void reload();
          }} />
      )}
      {replacing && (
        <EditDialog credential={replacing} onClose={() => setReplacing(null)}
          onDone={() => {
            setReplacing(null);
            toast("Credential updated.", "success");
            void reload();
          }} />
      )}
      {deleting && (
        <Dialog title="Delete credential" onClose={() => setDeleting(null)}>
          <p>
            Delete <strong>{deleting.name}</strong>? Nodes that use it will fail with “credential not found” until you pick another.
          </p>
          <div className="dialog-actions">
            <button className="btn" onClick={() => setDeleting(null)} autoFocus>Cancel</button>
            <button className="btn btn-danger" onClick={async () => {
              try {
                await credentialsApi.remove(deleting.id);
                toast(`Deleted “${deleting.name}”.`, "success");
              } catch (e) {
                toast((e as Error).message, "error");
              }
              setDeleting(null);
              void reload();
            }}>
              Delete
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}

function FieldError({ id, text }: { id: string; text?: string }) {
  return text ? <p className="field-error" id={id}>{text}</p> : null;
}

function serverErrors(e: unknown): { fields: Record<string, string>; message: string } {
  if (e instanceof ApiError) return { fields: e.fields, message: Object.keys(e.fields).length ? "" : e.message };
  return { fields: {}, message: (e as Error).message };
}

function AddDialog({ ws, providers, onClose, onDone }: { ws: number; providers: ProviderSpec[]; onClose(): void; onDone(c: StoredCredential): void }) {
  const [d, setD] = useState<CredentialDraft>({ provider: providers[0]?.name ?? "openai", name: "", secret: "", base_url: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);
  const set = (k: keyof CredentialDraft, v: string) => setD((old) => ({ ...old, [k]: v }));
  const baseRequired = needsBaseUrl(d.provider);

  return (
    <Dialog title="Add credential" onClose={onClose}>
      <form className="form" autoComplete="off" onSubmit={async (e) => {
        e.preventDefault();
        const local = credentialErrors(d);
        setErrors(local as Record<string, string>);
        setMessage("");
        if (Object.keys(local).length) return;
        setBusy(true);
        try {
          const made = await credentialsApi.create(ws, { ...d, name: d.name.trim() });
          setD((old) => ({ ...old, secret: "" }));
          onDone(made);
        } catch (err) {
          const s = serverErrors(err);
          setErrors(s.fields);
          setMessage(s.message);
          setBusy(false);
        }
      }}>
        <div className="field">
          <label className="field-label" htmlFor="cred-provider">Provider</label>
          <select id="cred-provider" className="input" value={d.provider} onChange={(e) => set("provider", e.target.value)}>
            {providers.map((p) => <option key={p.name} value={p.name}>{p.title}</option>)}
          </select>
          <FieldError id="cred-provider-err" text={errors.provider} />
        </div>
        <div className={`field${errors.name ? " field-invalid" : ""}`}>
          <label className="field-label" htmlFor="cred-name">Name</label>
          <input id="cred-name" className="input" value={d.name} onChange={(e) => set("name", e.target.value)} autoFocus
            placeholder="e.g. team OpenAI key" aria-describedby="cred-name-err" />
          <FieldError id="cred-name-err" text={errors.name} />
        </div>
        <div className={`field${errors.secret ? " field-invalid" : ""}`}>
          <label className="field-label" htmlFor="cred-secret">Secret</label>
          <input id="cred-secret" className="input" type="password" value={d.secret} onChange={(e) => set("secret", e.target.value)}
            autoComplete="new-password" spellCheck={false} aria-describedby="cred-secret-err cred-secret-desc" />
          <p className="field-desc" id="cred-secret-desc">Stored encrypted; never shown again.</p>
          <FieldError id="cred-secret-err" text={errors.secret} />
        </div>
        <div className={`field${errors.base_url ? " field-invalid" : ""}`}>
          <label className="field-label" htmlFor="cred-base">Base URL{baseRequired ? "" : " (optional)"}</label>
          <input id="cred-base" className="input mono" value={d.base_url} onChange={(e) => set("base_url", e.target.value)}
            placeholder={d.provider === "http" ? "https://api.example.com/v1" : d.provider === "openai_compatible" ? "http://127.0.0.1:11434/v1" : "the provider's own"}
            aria-describedby="cred-base-err cred-base-desc" />
          <p className="field-desc" id="cred-base-desc">The secret is only ever sent to this address{d.provider === "http" ? " and the paths under it" : ""}.</p>
          <FieldError id="cred-base-err" text={errors.base_url} />
        </div>
        {message && <p className="error-text" role="alert">{message}</p>}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" className="btn btn-primary" disabled={busy}>Save credential</button>
        </div>
      </form>
    </Dialog>
  );
}

function EditDialog({ credential, onClose, onDone }: { credential: StoredCredential; onClose(): void; onDone(): void }) {
  const [name, setName] = useState(credential.name ?? "");
  const [secret, setSecret] = useState("");
  const [baseUrl, setBaseUrl] = useState(credential.base_url ?? "");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState("");

  return (
    <Dialog title={`Edit “${credential.name}”`} onClose={onClose}>
      <form className="form" autoComplete="off" onSubmit={async (e) => {
        e.preventDefault();
        const body: { name?: string; secret?: string; base_url?: string } = {};
        if (name.trim() && name.trim() !== credential.name) body.name = name.trim();
        if (secret.trim()) body.secret = secret;
        if (baseUrl.trim() !== (credential.base_url ?? "")) body.base_url = baseUrl.trim();
        if (!Object.keys(body).length) return onClose();
        try {
          await credentialsApi.update(credential.id, body);
          setSecret("");
          onDone();
        } catch (err) {
          const s = serverErrors(err);
          setErrors(s.fields);
          setMessage(s.message);
        }
      }}>
        <p className="muted small">Current secret: <code>{credential.hint}</code>. Leave the new secret empty to keep it.</p>
        <div className={`field${errors.name ? " field-invalid" : ""}`}>
          <label className="field-label" htmlFor="edit-name">Name</label>
          <input id="edit-name" className="input" value={name} onChange={(e) => setName(e.target.value)} />
          <FieldError id="edit-name-err" text={errors.name} />
        </div>
        <div className={`field${errors.secret ? " field-invalid" : ""}`}>
          <label className="field-label" htmlFor="edit-secret">New secret</label>
          <input id="edit-secret" className="input" type="password" value={secret} onChange={(e) => setSecret(e.target.value)}
            autoComplete="new-password" spellCheck={false} autoFocus />
          <FieldError id="edit-secret-err" text={errors.secret} />
        </div>
        <div className={`field${errors.base_url ? " field-invalid" : ""}`}>
          <label className="field-label" htmlFor="edit-base">Base URL</label>
          <input id="edit-base" className="input mono" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} />
          <FieldError id="edit-base-err" text={errors.base_url} />
        </div>
        {message && <p className="error-text" role="alert">{message}</p>}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" className="btn btn-primary">Save</button>
        </div>
      </form>
    </Dialog>
  );
}
