/** Editor toolbar: name, save state, undo/redo, layout, fit, help, run. */
import { useState } from "react";
import { pipelinesApi } from "../pipelines/api";
import type { Pipeline } from "../shared/api/types";
import { canRedo, canUndo } from "../graph/undo";
import { useGraph } from "../graph/graphStore";
import { useSave } from "./save/saveStore";
import { toast } from "../shared/ui/toast";
import { ChatButton } from "../chat/ChatButton";
import { timeAgo } from "../shared/ui/format";
import { autoLayout } from "./actions";
import { ApiDialog } from "./share/ApiDialog";
import { EmbedDialog } from "./share/EmbedDialog";
import { ShareDialog } from "./share/ShareDialog";

const SAVE_LABEL = { clean: "Saved", dirty: "Unsaved changes", saving: "Saving…", conflict: "Conflict", error: "Save failed" } as const;

export function Toolbar({ pipeline, onHelp, onRun, onFit, onExperiment }: { pipeline: Pipeline; onHelp(): void; onRun(): void; onFit(): void; onExperiment?(): void }) {
  const history = useGraph((s) => s.history);
  const readOnly = useGraph((s) => s.readOnly);
  const name = useGraph((s) => s.name);
  const save = useSave((s) => s.state);
  const errorCount = useSave((s) => s.errors.length);
  const [draftName, setDraftName] = useState<string | null>(null);
  const [dialog, setDialog] = useState<"api" | "embed" | "share" | null>(null);

  async function rename() {
    const next = (draftName ?? "").trim();
    setDraftName(null);
    if (!next || next === name) return;
    try {
      await pipelinesApi.patch(pipeline.id, { name: next });
      useGraph.getState().setName(next);
      document.title = `${next} · fomo`;
    } catch (e) {
      toast((e as Error).message, "error");
    }
  }

  return (
    <div className="toolbar" role="toolbar" aria-label="Editor">
      <a href="/" className="btn btn-small" aria-label="Back to pipelines">←</a>
      <input
        className="input name-input"
        aria-label="Pipeline name"
        value={draftName ?? name}
        disabled={readOnly}
        onChange={(e) => setDraftName(e.target.value)}
        onBlur={() => void rename()}
        onKeyDown={(e) => {
          if (e.key === "Enter") (e.target as HTMLInputElement).blur();
          if (e.key === "Escape") setDraftName(null);
        }}
      />
      <span className={`save-state save-${save.status}`} data-testid="save-state" title={save.error ?? (save.lastSavedAt ? `Saved ${timeAgo(save.lastSavedAt)}` : "")}>
        {readOnly ? "Read-only" : SAVE_LABEL[save.status]}
      </span>
      {errorCount > 0 && (
        <span className="badge badge-error" data-testid="error-count" title="Validation errors are shown on the nodes">
          {errorCount} problem{errorCount === 1 ? "" : "s"}
        </span>
      )}
      <span className="toolbar-sep" />
      <button className="btn btn-small" onClick={() => useGraph.getState().undo()} disabled={readOnly || !canUndo(history)} title="Undo (Ctrl+Z)">Undo</button>
      <button className="btn btn-small" onClick={() => useGraph.getState().redo()} disabled={readOnly || !canRedo(history)} title="Redo (Ctrl+Shift+Z)">Redo</button>
      <button className="btn btn-small" onClick={() => { autoLayout(); setTimeout(onFit, 50); }} disabled={readOnly} title="Auto-layout (L)">Layout</button>
      <button className="btn btn-small" onClick={onFit} title="Fit view (F)">Fit</button>
      <button className="btn btn-small" onClick={onHelp} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">?</button>
      <button className="btn btn-small" onClick={() => setDialog("api")} title="Run this pipeline from other programs (curl examples)">API</button>
      <button className="btn btn-small" onClick={() => setDialog("share")} title="Share a read-only link, export, move or copy">Share</button>
      {!readOnly && <button className="btn btn-small" onClick={() => setDialog("embed")} title="Share → Embed: a chat widget for your own site">Embed</button>}
      {onExperiment && <button className="btn btn-small" onClick={onExperiment} title="Compare variants of this pipeline over a dataset">Experiment</button>}
      <ChatButton pipeline={pipeline} />
      <button className="btn btn-primary" onClick={onRun} title="Run (Ctrl+Enter)">Run…</button>
      {dialog === "api" && <ApiDialog pipeline={pipeline} onClose={() => setDialog(null)} />}
      {dialog === "embed" && <EmbedDialog pipeline={pipeline} onClose={() => setDialog(null)} />}
      {dialog === "share" && <ShareDialog pipeline={pipeline} onClose={() => setDialog(null)} />}
    </div>
  );
}
