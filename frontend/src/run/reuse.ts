/**
 * Which nodes of a run reused recorded outputs instead of running (run from here, pins, or a
 * resumed attempt), and whether a node of a finished run can be re-run from or pinned.
 * Reused nodes emit no node events, so this reads the run detail and `run.started`'s list.
 */
import type { GraphNode, NodeRun, RunDetail } from "../shared/api/types";
import { isTerminalRun, type RunLive } from "./runEvents";

/** The run a node's outputs came from ("" when reused from an earlier attempt of this run), or null. */
export function reusedFrom(nodeId: string, live: RunLive, detail: RunDetail | null): string | null {
  const fromRun = detail?.reused?.[nodeId];
  if (fromRun !== undefined && fromRun !== null) return String(fromRun);
  const record = detail?.nodes.find((n) => n.node_id === nodeId && n.item === null);
  if (record?.reused_from !== undefined && record.reused_from !== null) return String(record.reused_from);
  // Resumed after a worker crash: the node finished in an earlier attempt of this very run.
  if (live.resumed.includes(nodeId) && !live.nodes[nodeId]) return "";
  return null;
}

export interface ReuseActions {
  /** "Run from here" is offered (a finished run, and the node is still in the graph). */
  runFrom: boolean;
  /** "Pin this output" is offered (the node succeeded in this run and is not pinned to it). */
  pin: boolean;
  /** "Unpin" is offered (the node in the graph carries a pin). */
  unpin: boolean;
}

export function reuseActions(
  node: GraphNode | undefined,
  run: { id: string; status: RunDetail["status"] } | null,
  record: NodeRun | undefined,
  editable: boolean,
): ReuseActions {
  const none = { runFrom: false, pin: false, unpin: false };
  if (!node || !editable) return none;
  const unpin = !!node.pinned;
  if (!run || !isTerminalRun(run.status)) return { ...none, unpin };
  const succeeded = record?.status === "succeeded";
  return { runFrom: true, pin: succeeded && String(node.pinned?.run ?? "") !== String(run.id), unpin };
}
