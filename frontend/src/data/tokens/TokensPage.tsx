/**
 * /settings/tokens/: personal API tokens. Create (name, optional expiry, optional workspace scope;
 * the token is shown once), list (scope, expiry, last use), revoke. Tokens are stored hashed,
 * so a lost one cannot be shown again: revoke it and make another.
 */
import { useCallback, useEffect, useState } from "react";
import { toast } from "../../shared/ui/toast";
import { Dialog } from "../../shared/ui/Dialog";
import { timeAgo } from "../../shared/ui/format";
import { teamApi, type WorkspaceInfo } from "../../team/api";
import { tokensApi, type ApiToken, type NewApiToken } from "./api";
import { CopyField } from "../../shared/ui/CopyField";
import { EXPIRY_CHOICES, expiresAt, expiryText, linkStatus } from "../../team/logic";
import "../data.css";
import "../../team/team.css";

export default function TokensPage() {
  const [items, setItems] = useState<ApiToken[] | null>(null);
  const [workspaces, setWorkspaces] = useState<WorkspaceInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [made, setMade] = useState<NewApiToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  const reload = useCallback(async () => {
    try {
      setItems(await tokensApi.list());
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => {
    void reload();
    teamApi.workspaces().then(setWorkspaces, () => undefined);
  }, [reload]);

  const wsName = (id: number | null) => (id === null ? "all your workspaces" : workspaces.find((w) => w.id === id)?.name ?? `workspace ${id}`);

  return (
    <main className="list-page data-page team-page">
      <div className="list-head">
        <h1>API tokens</h1>
        <span className="ws-links"><a href="/api/docs">API docs</a></span>
      </div>
      <p className="muted small">
        Programs call fomo with <code>Authorization: Bearer &lt;token&gt;</code>, with your permissions (or only in one workspace).
        Tokens are stored hashed: each is shown once, when you create it.
      </p>
      <CreateToken workspaces={workspaces} onMade={(t) => { setMade(t); void reload(); }} />
      {made && (
        <div className="secret-once" data-testid="new-token" role="status">
          <p><strong>Copy your new token “{made.name}” now: you won't see it again.</strong></p>
          <CopyField label="New API token" value={made.token} />
          <p className="small muted">
            e.g. <code>{`curl -X POST "${location.origin}/api/pipelines/<id>/run?wait=30" -H "Authorization: Bearer ${made.prefix}…" -H "Content-Type: application/json" -d '{"inputs": {}}'`}</code>
          </p>
          <button className="btn btn-small" onClick={() => setMade(null)}>Done</button>
        </div>
      )}
      {error && <p className="error-text" role="alert">Could not load the tokens: {error}</p>}
      {items === null && !error && <p className="muted">Loading…</p>}
      {items && items.length === 0 && <p className="muted">No tokens yet.</p>}
      {items && items.length > 0 && (
        <table className="table" aria-label="API tokens">
          <thead>
            <tr><th scope="col">Name</th><th scope="col">Token</th><th scope="col">Scope</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col">Created</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
          </thead>
          <tbody>
            {items.map((t) => {
              const status = linkStatus(t);
              return (
                <tr key={t.id} data-token={t.name}>
                  <td>{t.name} {status !== "active" && <span className={`badge link-${status}`}>{status}</span>}</td>
                  <td><code>{t.prefix}…</code></td>
                  <td>{wsName(t.workspace)}</td>
                  <td title={t.expires_at ?? ""}>{expiryText(t.expires_at)}</td>
                  <td title={t.last_used_at ?? ""}>{t.last_used_at ? timeAgo(t.last_used_at) : <span className="muted">never</span>}</td>
                  <td title={t.created_at}>{timeAgo(t.created_at)}</td>
                  <td className="row-actions">
                    {!t.revoked && <button className="btn btn-small btn-danger" onClick={() => setRevoking(t)} aria-label={`Revoke ${t.name}`}>Revoke</button>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {revoking && (
        <Dialog title="Revoke token" onClose={() => setRevoking(null)}>
          <p>Revoke <strong>{revoking.name}</strong> (<code>{revoking.prefix}…</code>)? Programs using it are refused from the next request.</p>
          <div className="dialog-actions">
            <button className="btn" onClick={() => setRevoking(null)} autoFocus>Cancel</button>
            <button className="btn btn-danger" onClick={async () => {
              const t = revoking;
              setRevoking(null);
              try {
                await tokensApi.revoke(t.id);
                toast(`Revoked “${t.name}”.`, "success");
              } catch (e) {
                toast((e as Error).message, "error");
              }
              void reload();
            }}>Revoke</button>
          </div>
        </Dialog>
      )}
    </main>
  );
}

function CreateToken({ workspaces, onMade }: { workspaces: WorkspaceInfo[]; onMade(t: NewApiToken): void }) {
  const [name, setName] = useState("");
  const [days, setDays] = useState<number | null>(90);
  const [scope, setScope] = useState("");
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form className="row" aria-label="Create a token" onSubmit={async (e) => {
      e.preventDefault();
      setBusy(true);
      try {
        const exp = expiresAt(days);
        const made = await tokensApi.create({ name: name.trim(), ...(exp ? { expires_at: exp } : {}), ...(scope ? { workspace: Number(scope) } : {}) });
        setName("");
        setErr(null);
        onMade(made);
      } catch (x) {
        setErr((x as Error).message);
      }
      setBusy(false);
    }}>
      <input className="input" placeholder="Token name, e.g. CI" aria-label="Token name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} required />
      <select className="input" aria-label="Expires" value={days ?? ""} onChange={(e) => setDays(e.target.value ? Number(e.target.value) : null)}>
        {EXPIRY_CHOICES.map((c) => <option key={c.label} value={c.days ?? ""}>{c.days ? `expires in ${c.label}` : "never expires"}</option>)}
      </select>
      <select className="input" aria-label="Workspace scope" value={scope} onChange={(e) => setScope(e.target.value)}>
        <option value="">all my workspaces</option>
        {workspaces.map((w) => <option key={w.id} value={w.id}>only {w.personal ? `${w.name} (personal)` : w.name}</option>)}
      </select>
      <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>Create token</button>
      {err && <span className="error-text" role="alert">{err}</span>}
    </form>
  );
}
