import { describe, expect, it } from "vitest";
import { canRedo, canUndo, initHistory, push, redo, seal, undo } from "./undo";

describe("history", () => {
  it("undoes and redoes every step", () => {
    let h = initHistory(1);
    h = push(h, 2);
    h = push(h, 3);
    expect(h.present).toBe(3);
    h = undo(h);
    expect(h.present).toBe(2);
    h = undo(h);
    expect(h.present).toBe(1);
    expect(canUndo(h)).toBe(false);
    h = redo(h);
    h = redo(h);
    expect(h.present).toBe(3);
    expect(canRedo(h)).toBe(false);
  });
  it("drops the future on a new edit", () => {
    let h = push(push(initHistory("a"), "b"), "c");
    h = push(undo(h), "d");
    expect(h.future).toEqual([]);
    expect(undo(h).present).toBe("b");
  });
  it("coalesces consecutive edits with one key until sealed", () => {
    let h = initHistory("");
    h = push(h, "h", "typing");
    h = push(h, "he", "typing");
    h = push(h, "hey", "typing");
    expect(h.past).toEqual([""]);
    h = seal(h);
    h = push(h, "hey!", "typing");
    expect(h.past).toEqual(["", "hey"]);
  });
  it("ignores a no-op push and caps its length", () => {
    const h0 = initHistory({ a: 1 });
    expect(push(h0, h0.present)).toBe(h0);
    let h = initHistory(0);
    for (let i = 1; i <= 10; i++) h = push(h, i, null, 5);
    expect(h.past).toEqual([5, 6, 7, 8, 9]);
  });
  it("undo on an empty history is a no-op", () => {
    const h = initHistory(0);
    expect(undo(h)).toBe(h);
    expect(redo(h)).toBe(h);
  });
});
