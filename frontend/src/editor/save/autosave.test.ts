import { describe, expect, it } from "vitest";
import { initSave, saveReducer, shouldSave } from "./autosave";

describe("autosave state machine", () => {
  it("saves after an edit and returns to clean with the new revision", () => {
    let s = initSave(3);
    expect(shouldSave(s)).toBe(false);
    s = saveReducer(s, { type: "edit" });
    expect(shouldSave(s)).toBe(true);
    s = saveReducer(s, { type: "start" });
    expect(shouldSave(s)).toBe(false);
    s = saveReducer(s, { type: "ok", revision: 4, at: "now" });
    expect(s).toMatchObject({ status: "clean", baseRevision: 4 });
  });
  it("stays dirty when an edit lands during a save", () => {
    let s = saveReducer(saveReducer(initSave(1), { type: "edit" }), { type: "start" });
    s = saveReducer(s, { type: "edit" });
    s = saveReducer(s, { type: "ok", revision: 2, at: "now" });
    expect(s.status).toBe("dirty");
    expect(shouldSave(s)).toBe(true);
  });
  it("parks in conflict and never saves on its own until resolved", () => {
    let s = saveReducer(saveReducer(initSave(1), { type: "edit" }), { type: "start" });
    s = saveReducer(s, { type: "conflict", details: { current_revision: 5, updated_by: "bob", updated_at: "t", graph: { schema: 1, nodes: [], edges: [] } } });
    s = saveReducer(s, { type: "edit" });
    expect(s.status).toBe("conflict");
    expect(shouldSave(s)).toBe(false);
    expect(s.conflict?.updated_by).toBe("bob");
    s = saveReducer(s, { type: "resolved", revision: 7, at: null });
    expect(s).toMatchObject({ status: "clean", baseRevision: 7, conflict: null });
  });
  it("retries after an error once edits are pending", () => {
    let s = saveReducer(saveReducer(initSave(1), { type: "edit" }), { type: "start" });
    s = saveReducer(s, { type: "error", message: "offline" });
    expect(shouldSave(s)).toBe(true);
  });
});
