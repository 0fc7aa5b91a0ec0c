/**
 * The graph document being edited, with its undo/redo history and the pipeline it belongs to.
 * Every edit goes through `edit`, so history, autosave and read-only mode are handled once.
 */
import { create } from "zustand";
import type { GraphDoc } from "../shared/api/types";
import { emptyGraph } from "./graphOps";
import { initHistory, push, redo, seal, undo, type History } from "./undo";

interface GraphStore {
  pipelineId: string | null;
  name: string;
  readOnly: boolean;
  history: History<GraphDoc>;
  doc: GraphDoc;
  /** Bumped on every change of `doc` by an edit (not by load), for autosave. */
  editCount: number;
  load(pipelineId: string | null, name: string, doc: GraphDoc, readOnly?: boolean): void;
  edit(fn: (doc: GraphDoc) => GraphDoc, coalesce?: string | null): void;
  seal(): void;
  undo(): void;
  redo(): void;
  setName(name: string): void;
}

export const useGraph = create<GraphStore>((set, get) => ({
  pipelineId: null,
  name: "",
  readOnly: false,
  history: initHistory(emptyGraph()),
  doc: emptyGraph(),
  editCount: 0,
  load(pipelineId, name, doc, readOnly = false) {
    set({ pipelineId, name, readOnly, history: initHistory(doc), doc });
  },
  edit(fn, coalesce = null) {
    const s = get();
    if (s.readOnly) return;
    const next = fn(s.doc);
    if (next === s.doc) return;
    const history = push(s.history, next, coalesce);
    set({ history, doc: history.present, editCount: s.editCount + 1 });
  },
  seal() {
    set({ history: seal(get().history) });
  },
  undo() {
    const s = get();
    if (s.readOnly || !s.history.past.length) return;
    const history = undo(s.history);
    set({ history, doc: history.present, editCount: s.editCount + 1 });
  },
  redo() {
    const s = get();
    if (s.readOnly || !s.history.future.length) return;
    const history = redo(s.history);
    set({ history, doc: history.present, editCount: s.editCount + 1 });
  },
  setName(name) {
    set({ name });
  },
}));
