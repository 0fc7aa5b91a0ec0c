/** Transient messages (refused connections, save failures). */
import { create } from "zustand";

export interface Toast {
  id: number;
  kind: "info" | "error" | "success";
  text: string;
}

interface ToastStore {
  toasts: Toast[];
  show(text: string, kind?: Toast["kind"]): void;
  dismiss(id: number): void;
}

let next = 1;

export const useToasts = create<ToastStore>((set, get) => ({
  toasts: [],
  show(text, kind = "info") {
    const id = next++;
    // The same message twice in a row replaces the first instead of stacking.
    set({ toasts: [...get().toasts.filter((t) => t.text !== text).slice(-3), { id, kind, text }] });
    setTimeout(() => get().dismiss(id), kind === "error" ? 6000 : 3500);
  },
  dismiss(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
}));

export const toast = (text: string, kind?: Toast["kind"]) => useToasts.getState().show(text, kind);
