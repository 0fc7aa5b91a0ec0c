import { describe, expect, it } from "vitest";
import { credentialErrors, credentialProviders, formatBytes, pathForWorkspace, uploadProblem, workspaceFromPath } from "./credentials";

const draft = { provider: "openai", name: "main", secret: "sk-1", base_url: "" };

describe("workspace pages", () => {
  it("reads and swaps the workspace in the path", () => {
    expect(workspaceFromPath("/workspaces/12/credentials/")).toBe(12);
    expect(workspaceFromPath("/credentials/")).toBeNull();
    expect(pathForWorkspace("/workspaces/12/data/", 3)).toBe("/workspaces/3/data/");
  });

  it("offers keyed providers and http, never fake or local", () => {
    const names = credentialProviders([
      { name: "fake", title: "", chat: true, embeddings: true },
      { name: "openai", title: "", chat: true, embeddings: true },
      { name: "local", title: "", chat: false, embeddings: true },
    ]).map((p) => p.name);
    expect(names).toEqual(["openai", "http"]);
  });

  it("checks the credential form by field", () => {
    expect(credentialErrors(draft)).toEqual({});
    expect(credentialErrors({ ...draft, name: " ", secret: "" })).toEqual({ name: "Give it a name.", secret: "Paste the secret." });
    expect(credentialErrors({ ...draft, provider: "http" }).base_url).toMatch(/only ever sent/);
    expect(credentialErrors({ ...draft, provider: "openai_compatible", base_url: "localhost:11434" }).base_url).toMatch(/http/);
    expect(credentialErrors({ ...draft, provider: "http", base_url: "https://api.example.com/v1" })).toEqual({});
  });

  it("refuses files the server would refuse", () => {
    expect(uploadProblem("notes.md", 10)).toBeNull();
    expect(uploadProblem("BOOK.PDF", 10)).toBeNull();
    expect(uploadProblem("x.docx", 10)).toMatch(/only .txt/);
    expect(uploadProblem("big.txt", 11 * 1024 * 1024)).toMatch(/limit is 10.0 MB/);
    expect(uploadProblem("e.txt", 0)).toMatch(/empty/);
    expect(formatBytes(2048)).toBe("2.0 KB");
  });
});
