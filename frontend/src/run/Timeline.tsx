/** Waterfall of node starts and durations, so parallel work is visible. */
import { useGraph } from "../graph/graphStore";
import type { RunLive } from "./runEvents";
import { duration } from "../shared/ui/format";
import { useSelection } from "../graph/selection";
import type { GraphDoc } from "../shared/api/types";

export function Timeline({ live, doc }: { live: RunLive; doc?: GraphDoc }) {
  const fallbackDoc = useGraph((s) => s.doc);
  const graph = doc ?? fallbackDoc;
  const rows = Object.entries(live.nodes).filter(([, n]) => n.startedAt !== null);
  if (!rows.length) return <p className="muted small">The timeline fills in as nodes start.</p>;
  const t0 = live.startedAt ?? Math.min(...rows.map(([, n]) => n.startedAt!));
  const now = Date.now() / 1000;
  const end = Math.max(...rows.map(([, n]) => n.finishedAt ?? (live.finishedAt ?? now)), t0 + 0.001);
  const span = end - t0;
  rows.sort((a, b) => a[1].startedAt! - b[1].startedAt!);
  const labelOf = (id: string) => {
    const n = graph.nodes.find((x) => x.id === id);
    return n?.label || n?.type || id;
  };
  return (
    <div className="timeline" role="list" aria-label="Run timeline">
      {rows.map(([id, n]) => {
        const start = ((n.startedAt! - t0) / span) * 100;
        const stop = (((n.finishedAt ?? (live.finishedAt ?? now)) - t0) / span) * 100;
        return (
          <button key={id} role="listitem" className="tl-row" onClick={() => useSelection.getState().set([id])} title={`${labelOf(id)}: ${n.state}, ${duration(n.durationMs)}`}>
            <span className="tl-label">{labelOf(id)}</span>
            <span className="tl-track">
              <span className={`tl-bar state-${n.state}`} style={{ left: `${start}%`, width: `${Math.max(stop - start, 0.8)}%` }} />
            </span>
            <span className="tl-dur">{duration(n.durationMs)}</span>
          </button>
        );
      })}
    </div>
  );
}
