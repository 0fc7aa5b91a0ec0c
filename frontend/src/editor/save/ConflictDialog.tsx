/** Shown on a 409 from autosave: who saved and when; reload theirs or keep mine as a new version. */
import { useState } from "react";
import { useSave } from "./saveStore";
import { Dialog } from "../../shared/ui/Dialog";
import { timeAgo } from "../../shared/ui/format";

export function ConflictDialog() {
  const conflict = useSave((s) => (s.state.status === "conflict" ? s.state.conflict : null));
  const [busy, setBusy] = useState(false);
  if (!conflict) return null;
  const when = conflict.updated_at ? new Date(conflict.updated_at).toLocaleString() : "just now";
  return (
    <Dialog title="Someone else saved this pipeline" onClose={() => undefined}>
      <div data-testid="conflict-dialog">
        <p>
          <strong>{conflict.updated_by ?? "Another editor"}</strong> saved this pipeline {timeAgo(conflict.updated_at)} ({when}),
          revision {conflict.current_revision}, while you were editing. Your changes are not saved yet.
        </p>
        <p>Choose which draft to keep. Nothing is dropped without your choice.</p>
        <div className="dialog-actions">
          <button className="btn" disabled={busy} onClick={() => useSave.getState().reloadTheirs()}>
            Reload theirs
          </button>
          <button
            className="btn btn-primary"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              await useSave.getState().keepMine();
              setBusy(false);
            }}
          >
            Keep mine as a new version
          </button>
        </div>
      </div>
    </Dialog>
  );
}
