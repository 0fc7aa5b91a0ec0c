/**
 * What a pipeline takes and gives: its run inputs (its `input` nodes) and its output names (its
 * `output` nodes). The server publishes them, with the chat contract, as the `interface` of the
 * pipeline detail, the draft save answer and the validate answer (builder/interface.py); the run
 * form, the API examples, the experiment form and the chat playground read them here.
 *
 * The local reading of the document (`localRunInputs`, `localOutputNames`) is kept only for a
 * document the server has not answered for yet: the canvas between an edit and its autosave
 * (~1 s), a version being previewed, a share page. Without it the run form would lose a new
 * input until the save returns. Once the server answers for the document shown, its word wins.
 */
import { create } from "zustand";
import type { ChatContract, GraphDoc, GraphNode, PipelineInterface } from "../shared/api/types";

export interface RunInputSpec {
  nodeId: string;
  name: string;
  type: string;
  /** A run must give it: `required` is not turned off and there is no default. */
  required: boolean;
  default: unknown;
  description: string;
}

interface InterfaceStore {
  /** The document the server answered for (by identity: documents are never mutated). */
  doc: GraphDoc | null;
  iface: PipelineInterface | null;
  /** The last chat contract the server gave for the saved draft (runs run the saved draft). */
  chat: ChatContract | null;
  set(doc: GraphDoc | null, iface: PipelineInterface | null): void;
}

export const useInterface = create<InterfaceStore>((set) => ({
  doc: null,
  iface: null,
  chat: null,
  set: (doc, iface) => set({ doc, iface, chat: iface?.chat ?? null }),
}));

/** The server's interface when it answered for `doc`, else null. */
function serverFor(doc: GraphDoc, s: Pick<InterfaceStore, "doc" | "iface">): PipelineInterface | null {
  return s.doc === doc ? s.iface : null;
}

function specsOf(iface: PipelineInterface): RunInputSpec[] {
  return iface.inputs.map((i) => ({ nodeId: i.node, name: i.name, type: i.type, required: i.required, default: i.default ?? null, description: i.description ?? "" }));
}

/** The run inputs of `doc`, in document order: the server's, or the local reading while it has not answered. */
export function runInputs(doc: GraphDoc): RunInputSpec[] {
  const iface = serverFor(doc, useInterface.getState());
  return iface ? specsOf(iface) : localRunInputs(doc);
}

/** The names of the run's outputs in document order: the server's, or the local reading while it has not answered. */
export function outputNames(doc: GraphDoc): string[] {
  const iface = serverFor(doc, useInterface.getState());
  return iface ? iface.outputs.map((o) => o.name) : localOutputNames(doc);
}

/** {@link runInputs} for a component: it re-renders when the server answers. */
export function useRunInputs(doc: GraphDoc): RunInputSpec[] {
  const iface = useInterface((s) => serverFor(doc, s));
  return iface ? specsOf(iface) : localRunInputs(doc);
}

/** {@link outputNames} for a component: it re-renders when the server answers. */
export function useOutputNames(doc: GraphDoc): string[] {
  const iface = useInterface((s) => serverFor(doc, s));
  return iface ? iface.outputs.map((o) => o.name) : localOutputNames(doc);
}

/** The input nodes in document order; one without a name is left out (the server refuses the graph). */
export function localRunInputs(doc: GraphDoc): RunInputSpec[] {
  const out: RunInputSpec[] = [];
  for (const n of doc.nodes) {
    if (n.type !== "input") continue;
    const c = n.config ?? {};
    if (typeof c.name !== "string" || !c.name) continue;
    const def = c.default ?? null;
    out.push({
      nodeId: n.id,
      name: c.name,
      type: typeof c.type === "string" ? c.type : "text",
      required: c.required !== false && def === null,
      default: def,
      description: typeof c.description === "string" ? c.description : "",
    });
  }
  return out;
}

/** An output node's key in the run's outputs ("result" when unset). */
const outputName = (n: GraphNode): string => String(n.config?.name ?? "result");

/** The names of the run's outputs, from its `output` nodes in document order. */
export function localOutputNames(doc: GraphDoc): string[] {
  return doc.nodes.filter((n) => n.type === "output").map(outputName);
}
