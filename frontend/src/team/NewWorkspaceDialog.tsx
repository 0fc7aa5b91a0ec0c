/** "New workspace": name it, become its owner, and go to its settings to invite people. */
import { useState } from "react";
import { Dialog } from "../shared/ui/Dialog";
import { teamApi } from "./api";

export function NewWorkspaceDialog({ onClose }: { onClose(): void }) {
  const [name, setName] = useState("");
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title="New workspace" onClose={onClose}>
      <form className="form" onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        try {
          const ws = await teamApi.createWorkspace(name.trim());
          location.assign(`/workspaces/${ws.id}/settings/`);
        } catch (x) {
          setErr((x as Error).message);
          setBusy(false);
        }
      }}>
        <label className="field">
          <span>Name</span>
          <input className="input" value={name} maxLength={120} onChange={(e) => setName(e.target.value)} autoFocus required placeholder="e.g. Research team" />
        </label>
        <p className="muted small">You become its owner; invite people from its settings page.</p>
        {err && <p className="error-text" role="alert">{err}</p>}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>Create workspace</button>
        </div>
      </form>
    </Dialog>
  );
}
