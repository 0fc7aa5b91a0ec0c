/** The canvas node: title, ports as handles (handle id = port name), run state, errors, tokens. */
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { GraphNode } from "../../shared/api/types";
import type { NodePorts } from "../../graph/connection";
import { effectiveInputType, effectiveOutputType } from "../../graph/connection";
import { reusedFrom } from "../../run/reuse";
import { useRun } from "../../run/runStore";
import { useSave } from "../save/saveStore";
import { duration } from "../../shared/ui/format";
import { useCatalog } from "../../graph/catalog";
import { usesOfflineModel } from "../offlineModel";
import { OfflineNote } from "../OfflineNote";

export type FomoNodeData = { node: GraphNode; ports: NodePorts; title: string; category: string };
export type FomoFlowNode = Node<FomoNodeData, "fomo">;

const STATE_LABEL: Record<string, string> = {
  pending: "pending",
  ready: "ready",
  running: "running",
  succeeded: "done",
  failed: "failed",
  skipped: "skipped",
  abandoned: "abandoned",
  cancelled: "cancelled",
  reused: "reused",
};

function FomoNodeView({ id, data, selected }: NodeProps<FomoFlowNode>) {
  const { node, ports, title } = data;
  const live = useRun((s) => (s.runId ? s.live.nodes[id] : undefined));
  const watching = useRun((s) => s.runId !== null);
  // A primitive (string | null), so the node re-renders only when its own answer changes.
  const reused = useRun((s) => (s.runId && !s.live.nodes[id] ? reusedFrom(id, s.live, s.detail) : null));
  const errors = useSave((s) => s.byNode[id]);
  const schema = useCatalog((s) => s.byType[node.type]?.config_schema);
  const offline = usesOfflineModel(node.config, schema);
  const state = live?.state ?? (reused !== null ? "reused" : watching ? "pending" : null);
  // A mapped node streams per item: show the item that spoke last.
  const streamed = live ? (live.lastItem !== null ? live.itemStates[live.lastItem]?.tokens : live.tokens) || "" : "";
  const itemsDone = live?.items ? Object.values(live.itemStates).filter((i) => i.state === "succeeded").length : 0;

  return (
    <div
      className={`fnode${selected ? " is-selected" : ""}${errors?.length ? " has-error" : ""}${state ? ` state-${state}` : ""}`}
      data-testid={`node-${id}`}
      data-node-type={node.type}
      data-state={state ?? undefined}
    >
      <div className="fnode-head">
        <span className="fnode-title" title={node.type}>
          {node.label || title}
        </span>
        {node.map && (
          <span className="badge badge-map" title={`Mapped over “${node.map.port}”, ${node.map.concurrency} at a time`}>
            map
          </span>
        )}
        {node.pinned && (
          <span className="badge badge-pinned" data-testid="node-pinned" title={`Outputs pinned from run ${node.pinned.run}`}>
            pin
          </span>
        )}
        {state && (
          <span className={`badge badge-state state-${state}`} data-testid="node-state">
            {state === "running" && <span className="spinner" aria-hidden="true" />}
            {STATE_LABEL[state] ?? state}
          </span>
        )}
      </div>
      {node.label && <div className="fnode-sub">{title}</div>}
      {offline && <OfflineNote className="fnode-offline" />}
      <div className="fnode-ports">
        <div className="fnode-inputs">
          {ports.inputs.map((p) => (
            <div className="port port-in" key={p.name} title={`${p.name}: ${effectiveInputType(p, node.map)}${p.description ? ` — ${p.description}` : ""}`}>
              <Handle type="target" position={Position.Left} id={p.name} className={`handle t-${baseType(effectiveInputType(p, node.map))}`} />
              <span className="port-name">
                {p.name}
                {p.required && !p.many ? "" : p.many ? " ⋯" : " ?"}
              </span>
            </div>
          ))}
        </div>
        <div className="fnode-outputs">
          {ports.outputs.map((p) => (
            <div className="port port-out" key={p.name} title={`${p.name}: ${effectiveOutputType(p, node.map)}`}>
              <span className="port-name">{p.name}</span>
              <Handle type="source" position={Position.Right} id={p.name} className={`handle t-${baseType(effectiveOutputType(p, node.map))}`} />
            </div>
          ))}
        </div>
      </div>
      {live && (live.durationMs !== null || live.items) && (
        <div className="fnode-meta">
          {live.items ? (
            <span>
              {itemsDone}/{live.items} items
            </span>
          ) : null}
          {live.durationMs !== null && <span>{duration(live.durationMs)}</span>}
          {live.usage?.total_tokens ? <span>{live.usage.total_tokens} tok</span> : null}
        </div>
      )}
      {streamed && (
        <div className="fnode-tokens" data-testid="node-tokens" aria-live="off" title={live?.lastItem !== null && live?.lastItem !== undefined ? `Item ${live.lastItem}` : undefined}>
          {streamed.length > 400 ? "…" + streamed.slice(-400) : streamed}
        </div>
      )}
      {live?.state === "failed" && live.error && (
        <div className="fnode-error" role="note">
          {live.error.kind}: {live.error.message}
        </div>
      )}
      {errors?.length ? (
        <ul className="fnode-errors" data-testid="node-errors">
          {errors.map((e, i) => (
            <li key={i}>{e.field ? `${e.field}: ${e.message}` : e.message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function baseType(t: string): string {
  return t.startsWith("list[") ? "list" : t;
}

export const FomoNode = memo(FomoNodeView);
