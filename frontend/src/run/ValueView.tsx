/** A value from a run: text or a JSON tree, truncated with "show all". */
import { useState } from "react";

const LIMIT = 500;

export function ValueView({ value, label }: { value: unknown; label?: string }) {
  const [all, setAll] = useState(false);
  if (value === undefined) return <span className="muted">—</span>;
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2) ?? String(value);
  const long = text.length > LIMIT;
  return (
    <div className="value">
      {label && <div className="value-label">{label}</div>}
      {typeof value === "string" || !value || typeof value !== "object" ? (
        <pre className="value-text">{all || !long ? text : text.slice(0, LIMIT) + "…"}</pre>
      ) : all || !long ? (
        <JsonTree value={value} />
      ) : (
        <pre className="value-text">{text.slice(0, LIMIT) + "…"}</pre>
      )}
      {long && (
        <button className="btn btn-small" onClick={() => setAll(!all)}>
          {all ? "Show less" : `Show all (${text.length.toLocaleString()} chars)`}
        </button>
      )}
    </div>
  );
}

function JsonTree({ value, depth = 0 }: { value: unknown; depth?: number }) {
  if (value === null || typeof value !== "object") {
    return <span className={`json-${value === null ? "null" : typeof value}`}>{JSON.stringify(value)}</span>;
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  return (
    <details className="json-node" open={depth < 2}>
      <summary>
        {Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`}
      </summary>
      <ul>
        {entries.map(([k, v]) => (
          <li key={k}>
            <span className="json-key">{k}</span>: <JsonTree value={v} depth={depth + 1} />
          </li>
        ))}
      </ul>
    </details>
  );
}
