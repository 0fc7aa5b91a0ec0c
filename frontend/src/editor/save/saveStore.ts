/**
 * Autosave of the draft (debounced PUT with base_revision), the 409 conflict flow, and the
 * validation errors the server returns, keyed by node and edge for painting.
 */
import { create } from "zustand";
import { ApiError } from "../../shared/api/client";
import { pipelinesApi } from "../../pipelines/api";
import { versionsApi } from "../../history/api";
import type { GraphError, StaleDetails } from "../../shared/api/types";
import { initSave, saveReducer, shouldSave, type SaveAction, type SaveState } from "./autosave";
import { normalize } from "../../graph/graphOps";
import { useGraph } from "../../graph/graphStore";
import { useInterface } from "../../graph/runInputs";
import { toast } from "../../shared/ui/toast";

const AUTOSAVE_MS = 800;

interface SaveStore {
  state: SaveState;
  errors: GraphError[];
  byNode: Record<string, GraphError[]>;
  byEdge: Record<string, GraphError[]>;
  load(revision: number, errors?: GraphError[]): void;
  dispatch(a: SaveAction): void;
  noteEdit(): void;
  saveNow(): Promise<void>;
  setErrors(errors: GraphError[]): void;
  reloadTheirs(): void;
  keepMine(): Promise<void>;
}

let timer: ReturnType<typeof setTimeout> | null = null;

function index(errors: GraphError[]) {
  const byNode: Record<string, GraphError[]> = {};
  const byEdge: Record<string, GraphError[]> = {};
  for (const e of errors) {
    if (e.edge) (byEdge[e.edge] ??= []).push(e);
    else if (e.node) (byNode[e.node] ??= []).push(e);
  }
  return { byNode, byEdge };
}

/** The graph errors a refused save, version or run names (`details.errors`), or null. */
export function errorsFrom(e: unknown): GraphError[] | null {
  return e instanceof ApiError && e.errors.length ? (e.errors as GraphError[]) : null;
}

export const useSave = create<SaveStore>((set, get) => ({
  state: initSave(0),
  errors: [],
  byNode: {},
  byEdge: {},
  load(revision, errors = []) {
    if (timer) clearTimeout(timer);
    set({ state: initSave(revision), errors, ...index(errors) });
  },
  dispatch(a) {
    set({ state: saveReducer(get().state, a) });
  },
  setErrors(errors) {
    // No errors before and none now: keep the indexes, so the canvas does not rebuild every edge.
    if (!errors.length && !get().errors.length) return;
    set({ errors, ...index(errors) });
  },
  noteEdit() {
    get().dispatch({ type: "edit" });
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void get().saveNow(), AUTOSAVE_MS);
  },
  async saveNow() {
    if (timer) clearTimeout(timer);
    timer = null;
    const { pipelineId, doc, readOnly } = useGraph.getState();
    const s = get().state;
    if (!pipelineId || readOnly || !shouldSave(s)) return;
    get().dispatch({ type: "start" });
    try {
      const res = await pipelinesApi.saveDraft(pipelineId, doc, s.baseRevision);
      get().dispatch({ type: "ok", revision: res.revision, at: res.updated_at });
      get().setErrors(res.errors ?? []);
      useInterface.getState().set(doc, res.interface ?? null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.details) {
        get().dispatch({ type: "conflict", details: e.details as StaleDetails });
        return;
      }
      get().dispatch({ type: "error", message: (e as Error).message });
      toast(`Could not save: ${(e as Error).message}`, "error");
    }
    // Edits made while saving schedule the next save.
    if (shouldSave(get().state)) {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void get().saveNow(), AUTOSAVE_MS);
    }
  },
  reloadTheirs() {
    const c = get().state.conflict;
    if (!c) return;
    const g = useGraph.getState();
    g.load(g.pipelineId, g.name, normalize(c.graph), g.readOnly);
    get().dispatch({ type: "resolved", revision: c.current_revision, at: c.updated_at });
    toast(`Loaded the version saved by ${c.updated_by ?? "someone else"}.`, "info");
  },
  async keepMine() {
    const c = get().state.conflict;
    const { pipelineId, doc } = useGraph.getState();
    if (!c || !pipelineId) return;
    try {
      // Keep theirs reachable in history first (best effort: an invalid draft cannot be versioned).
      await versionsApi.create(pipelineId, `Draft by ${c.updated_by ?? "another editor"} (kept before a conflicting save)`, c.current_revision).catch(() => null);
      const saved = await pipelinesApi.saveDraft(pipelineId, doc, c.current_revision);
      get().dispatch({ type: "resolved", revision: saved.revision, at: saved.updated_at });
      get().setErrors(saved.errors ?? []);
      useInterface.getState().set(doc, saved.interface ?? null);
      try {
        await versionsApi.create(pipelineId, "My changes, kept after a conflicting save", saved.revision);
        toast("Your changes were saved as a new version.", "success");
      } catch (e) {
        const errs = errorsFrom(e);
        if (errs) get().setErrors(errs);
        toast(`Your draft is saved, but a version could not be created: ${(e as Error).message}`, "error");
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.details) {
        get().dispatch({ type: "conflict", details: e.details as StaleDetails });
        toast("Someone saved again in the meantime; please choose again.", "error");
        return;
      }
      toast(`Could not save: ${(e as Error).message}`, "error");
    }
  },
}));
