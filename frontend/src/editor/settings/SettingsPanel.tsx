/** Settings of the selected node: label, generated config form, map mode, timeout and retry. */
import { useMemo } from "react";
import type { GraphNode } from "../../shared/api/types";
import { updateNode } from "../../graph/graphOps";
import { isList } from "../../graph/portTypes";
import { schemaToFields } from "./schemaForm";
import { useCatalog } from "../../graph/catalog";
import { useCredentials } from "./credentialPicker";
import { useGraph } from "../../graph/graphStore";
import { portsFor, usePorts } from "../../graph/nodePorts";
import { useSave } from "../save/saveStore";
import { useSelection } from "../../graph/selection";
import { deleteSelection } from "../actions";
import { SchemaForm } from "./SchemaForm";
import { usesOfflineModel } from "../offlineModel";
import { OfflineNote } from "../OfflineNote";

export function SettingsPanel() {
  const selected = useSelection((s) => s.nodes);
  const selEdges = useSelection((s) => s.edges);
  const doc = useGraph((s) => s.doc);
  const readOnly = useGraph((s) => s.readOnly);
  const node = selected.length === 1 ? doc.nodes.find((n) => n.id === selected[0]) : undefined;

  if (selected.length > 1 || (!node && selEdges.length)) {
    return (
      <div className="panel-body">
        <p>
          {selected.length} node{selected.length === 1 ? "" : "s"}
          {selEdges.length ? `, ${selEdges.length} edge${selEdges.length === 1 ? "" : "s"}` : ""} selected.
        </p>
        {!readOnly && (
          <button className="btn btn-danger" onClick={deleteSelection}>
            Delete selection
          </button>
        )}
      </div>
    );
  }
  if (!node) {
    return (
      <div className="panel-body muted">
        <p>Select a node to edit its settings.</p>
        <p>Drag nodes from the palette, connect an output (right) to an input (left). Press <kbd>?</kbd> for shortcuts.</p>
      </div>
    );
  }
  return <NodeSettings key={node.id} node={node} readOnly={readOnly} />;
}

/** "Add credential…" under forms with a credential field: the workspace's credentials page in a new
 * tab; the picker reloads the list when this tab gets the focus back. */
function AddCredentialLink({ schema }: { schema: Parameters<typeof schemaToFields>[0] }) {
  const workspace = useCredentials((s) => s.workspace);
  const has = useMemo(() => schemaToFields(schema).some((f) => f.kind === "credential"), [schema]);
  if (!has || !workspace) return null;
  const refresh = () => {
    useCredentials.setState({ workspace: null, list: null });
    void useCredentials.getState().load(workspace);
  };
  return (
    <a className="small" href={`/workspaces/${workspace}/credentials/`} target="_blank" rel="noreferrer"
      onClick={() => window.addEventListener("focus", refresh, { once: true })}>
      Add credential…
    </a>
  );
}

function NodeSettings({ node, readOnly }: { node: GraphNode; readOnly: boolean }) {
  const spec = useCatalog((s) => s.byType[node.type]);
  const providers = useCatalog((s) => s.catalog?.providers ?? []);
  const credentials = useCredentials((s) => s.list);
  const dynamic = usePorts((s) => s.dynamic);
  const nodeErrors = useSave((s) => s.byNode[node.id]);
  const edit = useGraph((s) => s.edit);
  const ports = portsFor(node, dynamic);
  const patch = (p: Partial<GraphNode>, key: string) => edit((d) => updateNode(d, node.id, p), `${node.id}:${key}`);

  const fieldErrors = useMemo(() => {
    const out: Record<string, string> = {};
    for (const e of nodeErrors ?? []) if (e.field) out[e.field.replace(/^config\./, "")] = e.message;
    return out;
  }, [nodeErrors]);
  const general = (nodeErrors ?? []).filter((e) => !e.field || !(e.field.replace(/^config\./, "") in (spec?.config_schema.properties ?? {})));

  if (!spec) return <div className="panel-body error-text">Unknown node type {node.type}.</div>;
  const mapPorts = ports?.inputs ?? [];
  const id = `cfg-${node.id}`;

  return (
    <div className="panel-body settings">
      <div className="settings-head">
        <h2>{spec.title}</h2>
        <code className="muted small">{node.type} v{node.version} · {node.id}</code>
        <p className="muted small">{spec.description}</p>
      </div>
      {usesOfflineModel(node.config, spec.config_schema) && <OfflineNote />}
      {general.length > 0 && (
        <ul className="error-list" role="alert">
          {general.map((e, i) => (
            <li key={i}>{e.field ? `${e.field}: ` : ""}{e.message}</li>
          ))}
        </ul>
      )}
      <div className="field">
        <label className="field-label" htmlFor={`${id}-label`}>Label</label>
        <input id={`${id}-label`} className="input" value={node.label} placeholder={spec.title} disabled={readOnly}
          onChange={(e) => patch({ label: e.target.value }, "label")} />
      </div>
      <SchemaForm
        schema={spec.config_schema}
        value={node.config}
        errors={fieldErrors}
        providers={providers}
        credentials={credentials ?? undefined}
        readOnly={readOnly}
        idPrefix={id}
        onChange={(name, v) => patch({ config: { ...node.config, [name]: v } }, `config.${name}`)}
      />
      {!readOnly && <AddCredentialLink schema={spec.config_schema} />}
      <fieldset className="fieldset">
        <legend>Map</legend>
        <div className="field field-check">
          <input id={`${id}-map`} type="checkbox" checked={!!node.map} disabled={readOnly || !mapPorts.length}
            onChange={(e) => patch({ map: e.target.checked ? { port: (mapPorts.find((p) => !isList(p.type)) ?? mapPorts[0]).name, concurrency: 8 } : null }, "map")} />
          <label htmlFor={`${id}-map`} className="field-label">Run once per item of a list input</label>
        </div>
        {node.map && (
          <>
            <div className="field">
              <label className="field-label" htmlFor={`${id}-map-port`}>List input</label>
              <select id={`${id}-map-port`} className="input" value={node.map.port} disabled={readOnly}
                onChange={(e) => patch({ map: { ...node.map!, port: e.target.value } }, "map")}>
                {mapPorts.map((p) => (
                  <option key={p.name} value={p.name}>{p.name} (takes list[{p.type}])</option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="field-label" htmlFor={`${id}-map-conc`}>Concurrency</label>
              <input id={`${id}-map-conc`} className="input" type="number" min={1} max={64} value={node.map.concurrency} disabled={readOnly}
                onChange={(e) => patch({ map: { ...node.map!, concurrency: Math.max(1, Math.min(64, Number(e.target.value) || 1)) } }, "map.c")} />
            </div>
          </>
        )}
      </fieldset>
      <fieldset className="fieldset">
        <legend>Timeout and retry</legend>
        <div className="field">
          <label className="field-label" htmlFor={`${id}-timeout`}>Timeout (seconds)</label>
          <input id={`${id}-timeout`} className="input" type="number" min={0} max={3600} step="any" placeholder="default"
            value={node.timeout_s ?? ""} disabled={readOnly}
            onChange={(e) => patch({ timeout_s: e.target.value === "" ? null : Number(e.target.value) }, "timeout")} />
        </div>
        <div className="field-row">
          <div className="field">
            <label className="field-label" htmlFor={`${id}-attempts`}>Attempts</label>
            <input id={`${id}-attempts`} className="input" type="number" min={1} max={10} value={node.retry?.attempts ?? 1} disabled={readOnly}
              onChange={(e) => {
                const attempts = Math.max(1, Math.min(10, Number(e.target.value) || 1));
                patch({ retry: attempts === 1 && !node.retry?.backoff_s ? null : { attempts, backoff_s: node.retry?.backoff_s ?? 0.5 } }, "retry");
              }} />
          </div>
          <div className="field">
            <label className="field-label" htmlFor={`${id}-backoff`}>Backoff (s)</label>
            <input id={`${id}-backoff`} className="input" type="number" min={0} max={60} step="0.1" value={node.retry?.backoff_s ?? 0.5} disabled={readOnly || !node.retry}
              onChange={(e) => patch({ retry: { attempts: node.retry?.attempts ?? 1, backoff_s: Math.max(0, Math.min(60, Number(e.target.value) || 0)) } }, "retry.b")} />
          </div>
        </div>
      </fieldset>
      {ports && (
        <details className="ports-info">
          <summary>Ports</summary>
          <ul>
            {ports.inputs.map((p) => <li key={`i-${p.name}`}>in <code>{p.name}</code>: {p.type}{p.many ? " (many)" : ""}{p.required ? "" : " (optional)"}</li>)}
            {ports.outputs.map((p) => <li key={`o-${p.name}`}>out <code>{p.name}</code>: {p.type}</li>)}
          </ul>
        </details>
      )}
      {!readOnly && (
        <button className="btn btn-danger" onClick={deleteSelection}>
          Delete node
        </button>
      )}
    </div>
  );
}
