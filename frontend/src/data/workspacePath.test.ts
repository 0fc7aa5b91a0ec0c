import { describe, expect, it } from "vitest";
import { pathForWorkspace, workspaceFromPath } from "./workspacePath";

describe("workspace page paths", () => {
  it("reads and swaps the workspace in the path", () => {
    expect(workspaceFromPath("/workspaces/12/credentials/")).toBe(12);
    expect(workspaceFromPath("/credentials/")).toBeNull();
    expect(pathForWorkspace("/workspaces/12/data/", 3)).toBe("/workspaces/3/data/");
  });
});
