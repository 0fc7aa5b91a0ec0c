/** Node palette from the catalog: categories, search, descriptions; drag or double-click to add. */
import { useReactFlow } from "@xyflow/react";
import { useMemo, useState } from "react";
import { useCatalog } from "../graph/catalog";
import { addNodeOfType } from "./actions";
import { DRAG_MIME } from "./canvas/Canvas";
import { searchNodeTypes } from "./paletteSearch";

export function Palette() {
  const catalog = useCatalog((s) => s.catalog);
  const error = useCatalog((s) => s.error);
  const [q, setQ] = useState("");
  const flow = useReactFlow();

  const groups = useMemo(() => {
    const map = new Map<string, NonNullable<typeof catalog>["node_types"]>();
    for (const t of catalog ? searchNodeTypes(catalog, q) : []) {
      const list = map.get(t.category) ?? [];
      list.push(t);
      map.set(t.category, list);
    }
    return [...map.entries()];
  }, [catalog, q]);

  function addAtCenter(type: string) {
    const el = document.querySelector(".canvas");
    const r = el?.getBoundingClientRect();
    const center = r ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : { x: 400, y: 300 };
    const jitter = () => Math.round((Math.random() - 0.5) * 60);
    addNodeOfType(type, flow.screenToFlowPosition({ x: center.x - 100 + jitter(), y: center.y - 40 + jitter() }));
  }

  return (
    <aside className="palette" aria-label="Node palette">
      <input
        type="search"
        className="input"
        placeholder="Search nodes"
        title="Search by name, type, provider, model or task (rag, pdf, agent)"
        aria-label="Search nodes"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {error && <p className="error-text">Could not load node types: {error}</p>}
      {!catalog && !error && <p className="muted">Loading…</p>}
      {groups.map(([category, types]) => (
        <section key={category} className="palette-group">
          <h3>{category}</h3>
          <ul>
            {types.map((t) => (
              <li key={t.type}>
                <button
                  className="palette-item"
                  draggable
                  data-node-type={t.type}
                  title={`${t.description}\nDrag onto the canvas, double-click or press Enter to add.`}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(DRAG_MIME, t.type);
                    e.dataTransfer.effectAllowed = "copy";
                  }}
                  onDoubleClick={() => addAtCenter(t.type)}
                  onKeyDown={(e) => {
                    if (e.key === "Enter") {
                      e.preventDefault();
                      addAtCenter(t.type);
                    }
                  }}
                >
                  <span className="palette-title">{t.title}</span>
                  <span className="palette-desc">{t.description}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {catalog && !groups.length && <p className="muted">No node matches “{q}”.</p>}
    </aside>
  );
}
