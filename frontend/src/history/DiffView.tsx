/** Renders a graph diff: nodes and edges added/removed, config fields changed. */
import type { GraphDiff } from "./graphDiff";
import { isEmptyDiff } from "./graphDiff";

const show = (v: unknown) => (v === undefined ? "∅" : typeof v === "string" ? (v.length > 80 ? JSON.stringify(v.slice(0, 80) + "…") : JSON.stringify(v)) : JSON.stringify(v));

export function DiffView({ diff, from, to }: { diff: GraphDiff; from: string; to: string }) {
  return (
    <div className="diff" data-testid="diff">
      <p className="muted small">
        From {from} to {to}
      </p>
      {isEmptyDiff(diff) && <p>No differences (positions are ignored).</p>}
      {diff.nodesAdded.length > 0 && (
        <section>
          <h4>Nodes added</h4>
          <ul>{diff.nodesAdded.map((n) => <li key={n.id} className="diff-add">+ {n.label || n.type} <code>{n.id}</code></li>)}</ul>
        </section>
      )}
      {diff.nodesRemoved.length > 0 && (
        <section>
          <h4>Nodes removed</h4>
          <ul>{diff.nodesRemoved.map((n) => <li key={n.id} className="diff-del">− {n.label || n.type} <code>{n.id}</code></li>)}</ul>
        </section>
      )}
      {diff.nodesChanged.length > 0 && (
        <section>
          <h4>Nodes changed</h4>
          <ul>
            {diff.nodesChanged.map((c) => (
              <li key={c.id}>
                {c.label} <code>{c.id}</code>
                <ul>
                  {c.changes.map((f) => (
                    <li key={f.path} className="diff-mod">
                      <code>{f.path}</code>: <span className="diff-del">{show(f.before)}</span> → <span className="diff-add">{show(f.after)}</span>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </section>
      )}
      {(diff.edgesAdded.length > 0 || diff.edgesRemoved.length > 0) && (
        <section>
          <h4>Edges</h4>
          <ul>
            {diff.edgesAdded.map((e) => <li key={`a${e.id}`} className="diff-add">+ {e.source}.{e.source_port} → {e.target}.{e.target_port}</li>)}
            {diff.edgesRemoved.map((e) => <li key={`r${e.id}`} className="diff-del">− {e.source}.{e.source_port} → {e.target}.{e.target_port}</li>)}
          </ul>
        </section>
      )}
    </div>
  );
}
