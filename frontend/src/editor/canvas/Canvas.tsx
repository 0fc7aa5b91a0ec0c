/**
 * The xyflow canvas, controlled by the graph store: nodes and edges are derived from the
 * document; changes come back as edits (so undo/redo and autosave see all of them).
 */
import {
  Background,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  useStore,
  useStoreApi,
  ViewportPortal,
  type Edge,
  type FinalConnectionState,
  type IsValidConnection,
  type NodeChange,
  type EdgeChange,
  type OnConnect,
} from "@xyflow/react";
import { useCallback, useLayoutEffect, useMemo, useRef, useState, type DragEvent } from "react";
import { estimateSize, fitViewport } from "./viewport";
import type { GraphNode } from "../../shared/api/types";
import { checkConnection, type ConnectionWorld, type NodePorts } from "../../graph/connection";
import { addEdge, moveNodes, removeItems } from "../../graph/graphOps";
import { useCatalog } from "../../graph/catalog";
import { useGraph } from "../../graph/graphStore";
import { portsFor, provisionalPorts, usePorts } from "../../graph/nodePorts";
import { useRun } from "../../run/runStore";
import { useSave } from "../save/saveStore";
import { useSelection } from "../../graph/selection";
import { toast } from "../../shared/ui/toast";
import { addNodeOfType } from "../actions";
import { FomoNode, type FomoFlowNode } from "./FomoNode";
import { BACKGROUND_GAP, usePanPicture } from "./panPicture";

const nodeTypes = { fomo: FomoNode };
export const DRAG_MIME = "application/x-fomo-node-type";
const FIT_OPTIONS = { maxZoom: 1, padding: 0.15 };
const MIN_ZOOM = 0.1;
const PRO_OPTIONS = { hideAttribution: true };
const DELETE_KEYS = ["Delete", "Backspace"];
const MULTI_KEYS = ["Shift", "Meta", "Control"];
/**
 * Above this many nodes the canvas drops what costs per node on every viewport change: the
 * minimap (one subscribed component per node; shown on request) and animated edges.
 */
const BIG_GRAPH = 200;

type Size = { width: number; height: number };
interface Cached {
  gn: GraphNode;
  ports: NodePorts;
  selected: boolean;
  title: string;
  rf: FomoFlowNode;
}

export function Canvas({ readOnly = false, onNodeOpen }: { readOnly?: boolean; onNodeOpen?(id: string): void }) {
  const doc = useGraph((s) => s.doc);
  const byType = useCatalog((s) => s.byType);
  const dynamic = usePorts((s) => s.dynamic);
  const selNodes = useSelection((s) => s.nodes);
  const selEdges = useSelection((s) => s.edges);
  const edgeErrors = useSave((s) => s.byEdge);
  // Edges into running nodes are animated; a string key re-renders edges only when that set changes.
  const activeKey = useRun((s) => {
    if (!s.runId) return "";
    return Object.entries(s.live.nodes).filter(([, n]) => n.state === "running").map(([id]) => id).sort().join(" ");
  });
  const flow = useReactFlow();
  // Zoomed far out, text is unreadable anyway: hide it (CSS only, no re-render of nodes), which
  // keeps panning and opening a big pipeline cheap.
  const far = useStore((s) => s.transform[2] < 0.45);
  const rf = useStoreApi<FomoFlowNode, Edge>();
  const cache = useRef(new Map<string, Cached>());
  const sizes = useRef(new Map<string, Size>());
  // Fit only a pipeline that opens with nodes; on an empty canvas the first drop must stay put.
  const [fitOnOpen] = useState(() => useGraph.getState().doc.nodes.length > 0);
  const big = doc.nodes.length > BIG_GRAPH;
  // Read by the pan handlers, which are made once.
  const lod = useRef({ far, big });
  lod.current = { far, big };
  const snapshot = useRef<HTMLCanvasElement>(null);
  // Bumped whenever xyflow measures a node: a new size is a new picture.
  const measuredAt = useRef(0);
  const [miniWanted, setMiniWanted] = useState(false);
  const showMini = !big || miniWanted;
  const wrap = useRef<HTMLDivElement>(null);
  const stable = useRef<Record<string, NodePorts>>({});
  // The opening viewport, fitted from the document as soon as the pane has a size (see viewport.ts).
  const [initialView, setInitialView] = useState<{ x: number; y: number; zoom: number } | null>(fitOnOpen ? null : { x: 0, y: 0, zoom: 1 });
  useLayoutEffect(() => {
    if (initialView || !wrap.current) return;
    const { nodes: ns } = useGraph.getState().doc;
    const boxes = ns.map((n) => {
      const ports = portsFor(n, dynamic, byType);
      return { ...n.position, ...estimateSize(ports?.inputs.length ?? 1, ports?.outputs.length ?? 1) };
    });
    const r = wrap.current.getBoundingClientRect();
    setInitialView(fitViewport(boxes, r, { padding: FIT_OPTIONS.padding, minZoom: MIN_ZOOM, maxZoom: FIT_OPTIONS.maxZoom }));
  }, [initialView, dynamic, byType]);

  // Recomputed on every drag frame (positions change doc.nodes): keep each node's previous
  // object when its ports are the same, so dragging does not re-render every dynamic node.
  const provisional = useMemo(() => {
    const next = provisionalPorts(doc.nodes, doc.edges, dynamic, byType);
    const prev = stable.current;
    for (const [id, ports] of Object.entries(next)) if (prev[id] && samePorts(prev[id], ports)) next[id] = prev[id];
    stable.current = next;
    return next;
  }, [doc.nodes, doc.edges, dynamic, byType]);
  const world = useMemo<ConnectionWorld>(() => {
    const index = new Map(doc.nodes.map((n) => [n.id, n]));
    return {
      portsOf: (id) => provisional[id] ?? portsFor(index.get(id), dynamic, byType),
      mapOf: (id) => index.get(id)?.map ?? null,
      edges: doc.edges,
    };
  }, [doc, dynamic, byType, provisional]);

  const selectedSet = useMemo(() => new Set(selNodes), [selNodes]);
  const nodes = useMemo(() => {
    const next = new Map<string, Cached>();
    const out = doc.nodes.map((gn) => {
      const ports = provisional[gn.id] ?? portsFor(gn, dynamic, byType)!;
      const selected = selectedSet.has(gn.id);
      const title = byType[gn.type]?.title ?? gn.type;
      const prev = cache.current.get(gn.id);
      // Unchanged nodes keep their object, so xyflow keeps their measured size and skips them.
      if (prev && prev.gn === gn && prev.ports === ports && prev.selected === selected && prev.title === title) {
        next.set(gn.id, prev);
        return prev.rf;
      }
      const size = sizes.current.get(gn.id);
      const data = prev && prev.gn === gn && prev.ports === ports && prev.title === title ? prev.rf.data : { node: gn, ports, title, category: byType[gn.type]?.category ?? "" };
      const rf: FomoFlowNode = {
        id: gn.id,
        type: "fomo",
        position: gn.position,
        data,
        selected,
        ...(size ? { measured: size } : {}),
      };
      next.set(gn.id, { gn, ports, selected, title, rf });
      return rf;
    });
    cache.current = next;
    return out;
  }, [doc.nodes, dynamic, byType, selectedSet, provisional]);

  const edges = useMemo<Edge[]>(() => {
    const sel = new Set(selEdges);
    // Animated edges repaint every frame: only on graphs small enough to afford it.
    const running = new Set(activeKey && !big ? activeKey.split(" ") : []);
    return doc.edges.map((e) => {
      const errs = edgeErrors[e.id];
      return {
        id: e.id,
        source: e.source,
        sourceHandle: e.source_port,
        target: e.target,
        targetHandle: e.target_port,
        selected: sel.has(e.id),
        animated: running.has(e.target),
        className: errs?.length ? "edge-error" : undefined,
        label: errs?.length ? errs.map((x) => x.message).join("; ") : undefined,
        ariaLabel: `Edge from ${e.source}.${e.source_port} to ${e.target}.${e.target_port}`,
      };
    });
  }, [doc.edges, selEdges, edgeErrors, activeKey, big]);

  // Read by paintPicture, which is made once.
  const shown = useRef({ nodes, edges });
  shown.current = { nodes, edges };

  const onNodesChange = useCallback(
    (changes: NodeChange<FomoFlowNode>[]) => {
      const positions: Record<string, { x: number; y: number }> = {};
      let dragEnded = false;
      let sel: { add: string[]; remove: string[] } | null = null;
      for (const c of changes) {
        if (c.type === "position") {
          if (c.position) positions[c.id] = c.position;
          if (c.dragging === false) dragEnded = true;
        } else if (c.type === "select") {
          sel ??= { add: [], remove: [] };
          (c.selected ? sel.add : sel.remove).push(c.id);
        } else if (c.type === "dimensions" && c.dimensions) {
          // Remembered for when the node object is next rebuilt; xyflow keeps it meanwhile.
          sizes.current.set(c.id, { width: c.dimensions.width, height: c.dimensions.height });
          measuredAt.current += 1;
        }
      }
      if (Object.keys(positions).length && !readOnly) useGraph.getState().edit((d) => moveNodes(d, positions), "drag");
      if (dragEnded) useGraph.getState().seal();
      if (sel) {
        const s = useSelection.getState();
        const cur = new Set(s.nodes);
        sel.remove.forEach((id) => cur.delete(id));
        sel.add.forEach((id) => cur.add(id));
        s.set([...cur], s.edges);
      }
    },
    [readOnly],
  );

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    let sel: { add: string[]; remove: string[] } | null = null;
    for (const c of changes) {
      if (c.type === "select") {
        sel ??= { add: [], remove: [] };
        (c.selected ? sel.add : sel.remove).push(c.id);
      }
    }
    if (sel) {
      const s = useSelection.getState();
      const cur = new Set(s.edges);
      sel.remove.forEach((id) => cur.delete(id));
      sel.add.forEach((id) => cur.add(id));
      s.set(s.nodes, [...cur]);
    }
  }, []);

  const isValidConnection = useCallback<IsValidConnection>(
    (c) => checkConnection(world, { source: c.source, target: c.target, sourceHandle: c.sourceHandle ?? null, targetHandle: c.targetHandle ?? null }).ok,
    [world],
  );

  const onConnect = useCallback<OnConnect>(
    (c) => {
      const check = checkConnection(world, c);
      if (!check.ok) {
        toast(check.reason, "error");
        return;
      }
      useGraph.getState().edit((d) => addEdge(d, { source: c.source, source_port: c.sourceHandle!, target: c.target, target_port: c.targetHandle! }));
    },
    [world],
  );

  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid === true || !state.fromNode || !state.fromHandle) return;
      // The handle it was dropped on: xyflow's own, or the element under the pointer.
      let to: { nodeId: string; id: string | null; type: string } | null = state.toHandle
        ? { nodeId: state.toHandle.nodeId, id: state.toHandle.id ?? null, type: state.toHandle.type }
        : null;
      if (!to) {
        const p = "changedTouches" in event ? event.changedTouches[0] : event;
        const el = p ? document.elementFromPoint(p.clientX, p.clientY)?.closest(".react-flow__handle") : null;
        const nodeId = el?.getAttribute("data-nodeid");
        if (!el || !nodeId) return;
        to = { nodeId, id: el.getAttribute("data-handleid"), type: el.classList.contains("source") ? "source" : "target" };
      }
      if (to.type === state.fromHandle.type) {
        toast(`Connect an output to an input, not two ${to.type === "source" ? "outputs" : "inputs"}.`, "error");
        return;
      }
      // Normalise to source → target whichever end the drag started from.
      const fromSource = state.fromHandle.type === "source";
      const c = fromSource
        ? { source: state.fromNode.id, sourceHandle: state.fromHandle.id ?? null, target: to.nodeId, targetHandle: to.id }
        : { source: to.nodeId, sourceHandle: to.id, target: state.fromNode.id, targetHandle: state.fromHandle.id ?? null };
      const check = checkConnection(world, c);
      if (!check.ok) toast(check.reason, "error");
    },
    [world],
  );

  const onDelete = useCallback(({ nodes: ns, edges: es }: { nodes: FomoFlowNode[]; edges: Edge[] }) => {
    if (!ns.length && !es.length) return;
    useGraph.getState().edit((d) => removeItems(d, ns.map((n) => n.id), es.map((e) => e.id)));
    useSelection.getState().clear();
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(DRAG_MIME);
      if (!type || readOnly) return;
      e.preventDefault();
      addNodeOfType(type, flow.screenToFlowPosition({ x: e.clientX - 100, y: e.clientY - 20 }));
    },
    [flow, readOnly],
  );

  const onNodeDoubleClick = useCallback((_: unknown, n: FomoFlowNode) => onNodeOpen?.(n.id), [onNodeOpen]);
  const onPaneClick = useCallback(() => useSelection.getState().clear(), []);
  const { onMoveStart, onMove, onMoveEnd, onViewportChange } = usePanPicture({ rf, wrap, snapshot, lod, shown, measuredAt });

  return (
    <div ref={wrap} className={`canvas${far ? " lod-far" : ""}${big ? " is-big" : ""}`} onDragOver={(e) => {
      if (e.dataTransfer.types.includes(DRAG_MIME)) {
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
      }
    }} onDrop={onDrop}>
      {initialView && <ReactFlow<FomoFlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        onDelete={onDelete}
        isValidConnection={isValidConnection}
        onNodeDoubleClick={onNodeDoubleClick}
        onPaneClick={onPaneClick}
        onMoveStart={onMoveStart}
        onMove={onMove}
        onMoveEnd={onMoveEnd}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        deleteKeyCode={readOnly ? null : DELETE_KEYS}
        multiSelectionKeyCode={MULTI_KEYS}
        selectionKeyCode="Shift"
        minZoom={MIN_ZOOM}
        maxZoom={2}
        // Not culled: panning a culled canvas mounted and unmounted the nodes crossing the pane's
        // edge on every step (React work and repaints each frame, 50-145 ms spikes), and a fitted
        // big pipeline shows every node anyway.
        onlyRenderVisibleElements={false}
        defaultViewport={initialView}
        // Given once: from then on Canvas writes xyflow's viewport itself (see onViewportChange).
        viewport={initialView}
        onViewportChange={onViewportChange}
        fitView={fitOnOpen}
        fitViewOptions={FIT_OPTIONS}
        proOptions={PRO_OPTIONS}
      >
        <Background gap={BACKGROUND_GAP} />
        {big && (
          <ViewportPortal>
            <canvas ref={snapshot} className="pan-snapshot" aria-hidden="true" />
          </ViewportPortal>
        )}
        {showMini && <MiniMap pannable zoomable ariaLabel="Minimap" nodeStrokeWidth={3} />}
        <Controls showInteractive={!readOnly}>
          {big && (
            <ControlButton onClick={() => setMiniWanted((v) => !v)} title={miniWanted ? "Hide the minimap" : "Show the minimap"} aria-label={miniWanted ? "Hide the minimap" : "Show the minimap"} aria-pressed={miniWanted}>
              ▦
            </ControlButton>
          )}
        </Controls>
      </ReactFlow>}
      <div className="canvas-shield" aria-hidden="true" />
    </div>
  );
}

function samePorts(a: NodePorts, b: NodePorts): boolean {
  const same = (x: NodePorts["inputs"], y: NodePorts["inputs"]) => x.length === y.length && x.every((p, i) => p.name === y[i].name && p.type === y[i].type);
  return same(a.inputs, b.inputs) && same(a.outputs, b.outputs);
}
