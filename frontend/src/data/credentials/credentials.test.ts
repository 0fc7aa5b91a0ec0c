import { describe, expect, it } from "vitest";
import { credentialErrors, credentialProviders } from "./credentials";

const draft = { provider: "openai", name: "main", secret: "sk-1", base_url: "" };

describe("credentials", () => {
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
});
