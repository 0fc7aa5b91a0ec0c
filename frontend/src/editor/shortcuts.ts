/** Keyboard shortcuts of the editor; the help overlay lists the same table. */
import { useReactFlow } from "@xyflow/react";
import { useEffect } from "react";
import { useGraph } from "../graph/graphStore";
import { useSave } from "./save/saveStore";
import { autoLayout, copyToClipboard, pasteFromClipboard, selectAll } from "./actions";

export const SHORTCUTS: [string, string][] = [
  ["Ctrl/⌘ Z", "Undo"],
  ["Ctrl/⌘ Shift Z, Ctrl Y", "Redo"],
  ["Ctrl/⌘ C / X / V", "Copy, cut, paste nodes (as graph JSON, works across pipelines)"],
  ["Ctrl/⌘ A", "Select all nodes"],
  ["Delete, Backspace", "Delete the selection"],
  ["Shift-click, Shift-drag", "Add to the selection, box-select"],
  ["Ctrl/⌘ S", "Save now"],
  ["L", "Auto-layout"],
  ["F", "Fit view"],
  ["+ / −", "Zoom in / out"],
  ["Ctrl/⌘ Enter", "Run the pipeline"],
  ["?", "Show this help"],
  ["Escape", "Close dialogs, clear the selection"],
];

function typing(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t) return false;
  if (t.tagName === "INPUT") {
    const type = (t as HTMLInputElement).type;
    return !["checkbox", "radio", "button", "submit", "range", "color"].includes(type);
  }
  return t.isContentEditable || ["TEXTAREA", "SELECT"].includes(t.tagName);
}

export function useShortcuts(opts: { onHelp(): void; onRun(): void; onEscape(): void }) {
  const flow = useReactFlow();
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const mod = e.ctrlKey || e.metaKey;
      const k = e.key.toLowerCase();
      if (mod && k === "s") {
        e.preventDefault();
        void useSave.getState().saveNow();
        return;
      }
      if (mod && k === "enter") {
        e.preventDefault();
        opts.onRun();
        return;
      }
      if (typing(e)) return;
      if (document.querySelector("dialog[open]")) return;
      const g = useGraph.getState();
      if (mod && k === "z" && !e.shiftKey) {
        e.preventDefault();
        g.undo();
      } else if (mod && ((k === "z" && e.shiftKey) || k === "y")) {
        e.preventDefault();
        g.redo();
      } else if (mod && k === "c") {
        e.preventDefault();
        void copyToClipboard(false);
      } else if (mod && k === "x" && !g.readOnly) {
        e.preventDefault();
        void copyToClipboard(true);
      } else if (mod && k === "a") {
        e.preventDefault();
        selectAll();
      } else if (!mod && e.key === "?") {
        opts.onHelp();
      } else if (!mod && k === "l" && !g.readOnly) {
        autoLayout();
        setTimeout(() => void flow.fitView({ duration: 200, maxZoom: 1, padding: 0.15 }), 50);
      } else if (!mod && k === "f") {
        void flow.fitView({ duration: 200, maxZoom: 1, padding: 0.15 });
      } else if (!mod && (e.key === "+" || e.key === "=")) {
        void flow.zoomIn();
      } else if (!mod && (e.key === "-" || e.key === "_")) {
        void flow.zoomOut();
      } else if (e.key === "Escape") {
        opts.onEscape();
      }
    }
    function onPaste(e: ClipboardEvent) {
      if (typing(e as unknown as KeyboardEvent) || useGraph.getState().readOnly) return;
      const text = e.clipboardData?.getData("text/plain");
      if (text === undefined) return;
      e.preventDefault();
      void pasteFromClipboard(text);
    }
    window.addEventListener("keydown", onKey);
    window.addEventListener("paste", onPaste);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("paste", onPaste);
    };
  }, [flow, opts]);
}
