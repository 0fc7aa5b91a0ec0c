/** Versions: save with a message, view read-only, restore, and compare two. */
import { useCallback, useEffect, useState } from "react";
import { versionsApi } from "./api";
import type { GraphDoc, VersionSummary } from "../shared/api/types";
import { diffGraphs, type GraphDiff } from "./graphDiff";
import { normalize } from "../graph/graphOps";
import type { History } from "../graph/undo";
import { useGraph } from "../graph/graphStore";
import { useInterface } from "../graph/runInputs";
import { errorsFrom, useSave } from "../editor/save/saveStore";
import { toast } from "../shared/ui/toast";
import { timeAgo } from "../shared/ui/format";
import { DiffView } from "./DiffView";

/** The draft put aside while a version is viewed read-only. */
let stash: { history: History<GraphDoc>; doc: GraphDoc } | null = null;

export function HistoryPanel({ pipelineId }: { pipelineId: string }) {
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [message, setMessage] = useState("");
  const [viewing, setViewing] = useState<number | null>(stash ? -1 : null);
  const [picked, setPicked] = useState<string[]>([]);
  const [diff, setDiff] = useState<{ diff: GraphDiff; from: string; to: string } | null>(null);
  const readOnly = useGraph((s) => s.readOnly);
  const [confirming, setConfirming] = useState<number | null>(null);

  const reload = useCallback(() => versionsApi.list(pipelineId).then(setVersions, (e) => toast((e as Error).message, "error")), [pipelineId]);
  useEffect(() => void reload(), [reload]);

  async function saveVersion() {
    await useSave.getState().saveNow();
    try {
      const v = await versionsApi.create(pipelineId, message.trim() || "Saved version", useSave.getState().state.baseRevision);
      setMessage("");
      toast(`Saved version ${v.number}.`, "success");
      void reload();
    } catch (e) {
      const errs = errorsFrom(e);
      if (errs) useSave.getState().setErrors(errs);
      toast(`Could not save a version: ${(e as Error).message}`, "error");
    }
  }

  async function view(n: number) {
    try {
      const v = await versionsApi.get(pipelineId, n);
      const g = useGraph.getState();
      if (!stash) stash = { history: g.history, doc: g.doc };
      g.load(g.pipelineId, g.name, normalize(v.graph), true);
      setViewing(n);
    } catch (e) {
      toast((e as Error).message, "error");
    }
  }

  function backToDraft() {
    if (!stash) return;
    useGraph.setState({ history: stash.history, doc: stash.doc, readOnly: false });
    stash = null;
    setViewing(null);
  }

  async function restore(n: number) {
    setConfirming(null);
    try {
      const p = await versionsApi.restore(pipelineId, n);
      stash = null;
      setViewing(null);
      useGraph.getState().load(p.id, p.name, normalize(p.graph), p.role === "viewer");
      useSave.getState().load(p.revision);
      useInterface.getState().set(useGraph.getState().doc, p.interface ?? null);
      toast(`Restored version ${n}.`, "success");
    } catch (e) {
      toast((e as Error).message, "error");
    }
  }

  async function graphOf(key: string): Promise<GraphDoc> {
    if (key === "draft") return stash?.doc ?? useGraph.getState().doc;
    return normalize((await versionsApi.get(pipelineId, Number(key))).graph);
  }
  const nameOf = (key: string) => (key === "draft" ? "the draft" : `version ${key}`);

  async function compare() {
    if (picked.length !== 2) return;
    // Older first: versions are numbered; the draft is newest.
    const [a, b] = [...picked].sort((x, y) => (x === "draft" ? 1 : y === "draft" ? -1 : Number(x) - Number(y)));
    try {
      const [ga, gb] = await Promise.all([graphOf(a), graphOf(b)]);
      setDiff({ diff: diffGraphs(ga, gb), from: nameOf(a), to: nameOf(b) });
    } catch (e) {
      toast((e as Error).message, "error");
    }
  }

  const toggle = (key: string) => setPicked((p) => (p.includes(key) ? p.filter((x) => x !== key) : [...p.slice(-1), key]));

  return (
    <div className="panel-body history">
      {viewing !== null && readOnly && (
        <div className="banner" role="status">
          Viewing {viewing > 0 ? `version ${viewing}` : "a version"} (read-only).
          <button className="btn btn-small" onClick={backToDraft}>Back to draft</button>
          {viewing > 0 && <button className="btn btn-small btn-primary" onClick={() => void restore(viewing)}>Restore this version</button>}
        </div>
      )}
      <form className="form" onSubmit={(e) => { e.preventDefault(); void saveVersion(); }}>
        <label className="field-label" htmlFor="version-message">Save the draft as a version</label>
        <div className="row">
          <input id="version-message" className="input" placeholder="What changed?" value={message} onChange={(e) => setMessage(e.target.value)} disabled={viewing !== null} />
          <button type="submit" className="btn btn-primary" disabled={viewing !== null}>Save version</button>
        </div>
      </form>
      <div className="row">
        <span className="muted small">Tick two to compare.</span>
        <button className="btn btn-small" disabled={picked.length !== 2} onClick={() => void compare()}>Compare</button>
      </div>
      <ul className="version-list">
        <li>
          <label><input type="checkbox" checked={picked.includes("draft")} onChange={() => toggle("draft")} /> Current draft</label>
        </li>
        {versions?.map((v) => (
          <li key={v.number} className={viewing === v.number ? "is-current" : ""}>
            <label>
              <input type="checkbox" checked={picked.includes(String(v.number))} onChange={() => toggle(String(v.number))} aria-label={`Pick version ${v.number} to compare`} />
              <strong>v{v.number}</strong> {v.message || <span className="muted">no message</span>}
            </label>
            <div className="muted small">{v.author ?? "unknown"} · <span title={v.created_at}>{timeAgo(v.created_at)}</span></div>
            <div className="row">
              <button className="btn btn-small" onClick={() => void view(v.number)}>View</button>
              {confirming === v.number ? (
                <>
                  <span className="small">Replace the draft?</span>
                  <button className="btn btn-small btn-primary" onClick={() => void restore(v.number)}>Yes, restore</button>
                  <button className="btn btn-small" onClick={() => setConfirming(null)}>No</button>
                </>
              ) : (
                <button className="btn btn-small" onClick={() => setConfirming(v.number)}>Restore…</button>
              )}
            </div>
          </li>
        ))}
        {versions?.length === 0 && <li className="muted small">No versions yet.</li>}
      </ul>
      {diff && <DiffView {...diff} />}
    </div>
  );
}
