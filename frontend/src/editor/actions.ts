/** Editor commands shared by the canvas, palette, toolbar and shortcuts. */
import type { GraphNode } from "../shared/api/types";
import { addNode, copySelection, moveNodes, newId, parseClipboard, pasteInto, removeItems } from "../graph/graphOps";
import { layeredLayout } from "./layout";
import { defaultConfig } from "./settings/schemaForm";
import { useCatalog } from "../graph/catalog";
import { useGraph } from "../graph/graphStore";
import { useSelection } from "../graph/selection";
import { toast } from "../shared/ui/toast";

/** A unique value for a node's `name` setting (input/output names must differ). */
function uniqueName(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

export function addNodeOfType(type: string, position: { x: number; y: number }): string | null {
  const spec = useCatalog.getState().byType[type];
  if (!spec) return null;
  const g = useGraph.getState();
  const config = defaultConfig(spec.config_schema);
  if (spec.config_schema.properties?.name) {
    const taken = new Set(g.doc.nodes.filter((n) => n.type === type).map((n) => String(n.config.name ?? "")));
    const base = typeof config.name === "string" && config.name ? config.name : type === "input" ? "text" : type.replace(/\W+/g, "_");
    config.name = uniqueName(base, taken);
  }
  const node: GraphNode = {
    id: newId("n", new Set(g.doc.nodes.map((n) => n.id))),
    type,
    version: spec.version,
    label: "",
    config,
    position,
    map: null,
    timeout_s: null,
    retry: null,
  };
  g.edit((doc) => addNode(doc, node));
  useSelection.getState().set([node.id]);
  return node.id;
}

export function deleteSelection() {
  const { nodes, edges } = useSelection.getState();
  if (!nodes.length && !edges.length) return;
  useGraph.getState().edit((doc) => removeItems(doc, nodes, edges));
  useSelection.getState().clear();
}

export async function copyToClipboard(cut = false) {
  const { nodes } = useSelection.getState();
  if (!nodes.length) return;
  const payload = copySelection(useGraph.getState().doc, nodes);
  const text = JSON.stringify(payload, null, 2);
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    memoryClipboard = text;
  }
  memoryClipboard = text;
  if (cut) deleteSelection();
  toast(`${cut ? "Cut" : "Copied"} ${payload.nodes.length} node${payload.nodes.length === 1 ? "" : "s"}.`);
}

/** Fallback when the Clipboard API is refused (no permission, insecure origin). */
let memoryClipboard: string | null = null;

export async function pasteFromClipboard(text?: string) {
  let raw = text;
  if (raw === undefined) {
    try {
      raw = await navigator.clipboard.readText();
    } catch {
      raw = memoryClipboard ?? "";
    }
  }
  const clip = parseClipboard(raw ?? "") ?? (memoryClipboard ? parseClipboard(memoryClipboard) : null);
  if (!clip) {
    toast("The clipboard holds no fomo nodes.", "error");
    return;
  }
  const byType = useCatalog.getState().byType;
  const unknown = clip.nodes.filter((n) => !byType[n.type]);
  if (unknown.length) toast(`Unknown node types pasted: ${[...new Set(unknown.map((n) => n.type))].join(", ")}`, "error");
  let ids: string[] = [];
  useGraph.getState().edit((doc) => {
    const r = pasteInto(doc, clip);
    ids = r.ids;
    return r.doc;
  });
  useSelection.getState().set(ids);
}

export function autoLayout() {
  const g = useGraph.getState();
  const positions = layeredLayout(
    g.doc.nodes.map((n) => n.id),
    g.doc.edges,
  );
  g.edit((doc) => moveNodes(doc, positions));
}

export function selectAll() {
  useSelection.getState().set(useGraph.getState().doc.nodes.map((n) => n.id));
}
