/** Two runs side by side: per node, status, duration and outputs (aligned by compareRuns.ts). */
import { useEffect, useState } from "react";
import { runsApi } from "./api";
import type { RunDetail } from "../shared/api/types";
import { alignRuns } from "./compareRuns";
import { Dialog } from "../shared/ui/Dialog";
import { duration } from "../shared/ui/format";
import { ValueView } from "./ValueView";

export function CompareRuns({ ids, onClose }: { ids: [string, string]; onClose(): void }) {
  const [runs, setRuns] = useState<[RunDetail, RunDetail] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    Promise.all([runsApi.get(ids[0]), runsApi.get(ids[1])]).then(([a, b]) => setRuns([a, b]), (e) => setError((e as Error).message));
  }, [ids]);
  const rows = runs ? alignRuns(runs[0], runs[1]) : [];
  return (
    <Dialog title={`Compare runs ${ids[0]} and ${ids[1]}`} onClose={onClose} wide>
      {error && <p className="error-text">{error}</p>}
      {!runs && !error && <p className="muted">Loading…</p>}
      {runs && (
        <table className="compare" data-testid="compare-table">
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Run {ids[0]} ({runs[0].status}, {duration(runs[0].duration_ms) || "—"})</th>
              <th scope="col">Run {ids[1]} ({runs[1].status}, {duration(runs[1].duration_ms) || "—"})</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.nodeId} className={r.sameStatus && r.sameOutputs ? "" : "is-different"}>
                <th scope="row">
                  {r.label} <span className="muted small mono">{r.nodeId}</span>
                  {!r.sameOutputs && <div className="small">outputs differ</div>}
                  {r.durationDeltaMs !== null && <div className="muted small">{r.durationDeltaMs >= 0 ? "+" : "−"}{duration(Math.abs(r.durationDeltaMs))}</div>}
                </th>
                {[r.a, r.b].map((rec, i) => (
                  <td key={i}>
                    {rec ? (
                      <>
                        <span className={`status status-${rec.reused_from ? "reused" : rec.status}`}>{rec.reused_from ? `reused (${rec.status})` : rec.status}</span> {duration(rec.duration_ms)}
                        {rec.error && <div className="error-text small">{rec.error.kind}: {rec.error.message}</div>}
                        <ValueView value={rec.outputs} />
                      </>
                    ) : (
                      <span className="muted">not run</span>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Dialog>
  );
}
