/**
 * Pure autosave state machine. The store feeds it edits and save results; it says when to save
 * and with which base revision. A 409 parks the machine in `conflict` until the person chooses:
 * nothing is saved (or dropped) behind their back.
 */
import type { StaleDetails } from "../../shared/api/types";

export type SaveStatus = "clean" | "dirty" | "saving" | "conflict" | "error";

export interface SaveState {
  status: SaveStatus;
  baseRevision: number;
  /** Edit counter: bumps on every edit, so a save that started before an edit leaves the state dirty. */
  editSeq: number;
  savingSeq: number | null;
  savedSeq: number;
  conflict: StaleDetails | null;
  error: string | null;
  lastSavedAt: string | null;
}

export type SaveAction =
  | { type: "load"; revision: number }
  | { type: "edit" }
  | { type: "start" }
  | { type: "ok"; revision: number; at: string }
  | { type: "conflict"; details: StaleDetails }
  | { type: "error"; message: string }
  | { type: "resolved"; revision: number; at: string | null };

export function initSave(revision: number): SaveState {
  return { status: "clean", baseRevision: revision, editSeq: 0, savingSeq: null, savedSeq: 0, conflict: null, error: null, lastSavedAt: null };
}

export function saveReducer(s: SaveState, a: SaveAction): SaveState {
  switch (a.type) {
    case "load":
      return initSave(a.revision);
    case "edit":
      return { ...s, editSeq: s.editSeq + 1, status: s.status === "conflict" || s.status === "saving" ? s.status : "dirty" };
    case "start":
      return { ...s, status: "saving", savingSeq: s.editSeq, error: null };
    case "ok": {
      const savedSeq = s.savingSeq ?? s.editSeq;
      return {
        ...s,
        baseRevision: a.revision,
        savedSeq,
        savingSeq: null,
        lastSavedAt: a.at,
        status: savedSeq < s.editSeq ? "dirty" : "clean",
      };
    }
    case "conflict":
      return { ...s, status: "conflict", savingSeq: null, conflict: a.details };
    case "error":
      return { ...s, status: "error", savingSeq: null, error: a.message };
    case "resolved":
      return { ...initSave(a.revision), lastSavedAt: a.at };
  }
}

/** Should a save start now? Only when dirty (or a failed save with edits pending) and none in flight. */
export const shouldSave = (s: SaveState) => (s.status === "dirty" || s.status === "error") && s.savingSeq === null && s.editSeq > s.savedSeq;
