/** The experiment form of the editor, kept per pipeline so switching side-panel tabs loses nothing. */
import { create } from "zustand";
import type { Override, ScorerSpec } from "./api";
import { nextVariantName, type ExperimentDraft, type VariantDraft } from "./overrides";

let nextKey = 1;
const variant = (name: string, overrides: Override[] = []): VariantDraft => ({ key: nextKey++, name, overrides });

function emptyDraft(output = ""): ExperimentDraft {
  return { name: "", dataset: "", concurrency: 10, output, variants: [variant("A"), variant("B")], scorers: [{ kind: "exact" }] };
}

interface DraftStore {
  pipelineId: string | null;
  draft: ExperimentDraft;
  /** The variant whose "add override" picks from the canvas selection. */
  activeVariant: number | null;
  init(pipelineId: string, output: string): void;
  patch(p: Partial<ExperimentDraft>): void;
  patchVariant(key: number, fn: (v: VariantDraft) => VariantDraft): void;
  addVariant(): void;
  duplicateVariant(key: number): void;
  removeVariant(key: number): void;
  setScorer(i: number, s: ScorerSpec): void;
  addScorer(s: ScorerSpec): void;
  removeScorer(i: number): void;
  setActive(key: number | null): void;
}

export const useExperimentDraft = create<DraftStore>((set, get) => ({
  pipelineId: null,
  draft: emptyDraft(),
  activeVariant: null,
  init(pipelineId, output) {
    if (get().pipelineId === pipelineId) return;
    const draft = emptyDraft(output);
    // A usually stays the baseline; B is where the first override goes.
    set({ pipelineId, draft, activeVariant: draft.variants[1].key });
  },
  patch(p) {
    set({ draft: { ...get().draft, ...p } });
  },
  patchVariant(key, fn) {
    const d = get().draft;
    set({ draft: { ...d, variants: d.variants.map((v) => (v.key === key ? fn(v) : v)) } });
  },
  addVariant() {
    const d = get().draft;
    const v = variant(nextVariantName(d.variants));
    set({ draft: { ...d, variants: [...d.variants, v] }, activeVariant: v.key });
  },
  duplicateVariant(key) {
    const d = get().draft;
    const src = d.variants.find((v) => v.key === key);
    if (!src) return;
    const v = variant(nextVariantName(d.variants), structuredClone(src.overrides));
    set({ draft: { ...d, variants: [...d.variants, v] }, activeVariant: v.key });
  },
  removeVariant(key) {
    const d = get().draft;
    set({ draft: { ...d, variants: d.variants.filter((v) => v.key !== key) }, activeVariant: get().activeVariant === key ? null : get().activeVariant });
  },
  setScorer(i, s) {
    const d = get().draft;
    set({ draft: { ...d, scorers: d.scorers.map((x, j) => (j === i ? s : x)) } });
  },
  addScorer(s) {
    const d = get().draft;
    set({ draft: { ...d, scorers: [...d.scorers, s] } });
  },
  removeScorer(i) {
    const d = get().draft;
    set({ draft: { ...d, scorers: d.scorers.filter((_, j) => j !== i) } });
  },
  setActive(key) {
    set({ activeVariant: key });
  },
}));
