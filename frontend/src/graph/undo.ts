/** Pure undo/redo history. `coalesce` merges consecutive edits with the same key (typing, dragging). */

export interface History<T> {
  past: T[];
  present: T;
  future: T[];
  lastKey: string | null;
}

const LIMIT = 200;

export function initHistory<T>(present: T): History<T> {
  return { past: [], present, future: [], lastKey: null };
}

export function push<T>(h: History<T>, next: T, coalesce: string | null = null, limit = LIMIT): History<T> {
  if (next === h.present) return h;
  if (coalesce !== null && coalesce === h.lastKey) {
    return { past: h.past, present: next, future: [], lastKey: coalesce };
  }
  const past = [...h.past, h.present];
  if (past.length > limit) past.splice(0, past.length - limit);
  return { past, present: next, future: [], lastKey: coalesce };
}

/** End coalescing, so the next edit with the same key starts a new step. */
export function seal<T>(h: History<T>): History<T> {
  return h.lastKey === null ? h : { ...h, lastKey: null };
}

export function undo<T>(h: History<T>): History<T> {
  if (!h.past.length) return h;
  const prev = h.past[h.past.length - 1];
  return { past: h.past.slice(0, -1), present: prev, future: [h.present, ...h.future], lastKey: null };
}

export function redo<T>(h: History<T>): History<T> {
  if (!h.future.length) return h;
  const [next, ...rest] = h.future;
  return { past: [...h.past, h.present], present: next, future: rest, lastKey: null };
}

export const canUndo = <T,>(h: History<T>) => h.past.length > 0;
export const canRedo = <T,>(h: History<T>) => h.future.length > 0;
