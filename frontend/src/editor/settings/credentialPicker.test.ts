import { describe, expect, it } from "vitest";
import { credentialsFor } from "./credentialPicker";

describe("credential picker choices", () => {
  const list = [
    { id: 1, provider: "openai", hint: "sk-…abcd", name: "team key" },
    { id: 2, provider: "anthropic", hint: "…wxyz", name: "claude" },
    { id: 3, provider: "openai", hint: "…1234" },
  ];

  it("keeps only the node's provider's credentials", () => {
    expect(credentialsFor(list, "openai").map((c) => c.id)).toEqual([1, 3]);
    expect(credentialsFor(list, "fake")).toEqual([]);
  });

  it("offers every model provider's while the node has no provider, never http ones", () => {
    expect(credentialsFor(list, undefined)).toHaveLength(3);
    expect(credentialsFor(list, "")).toHaveLength(3);
    const withHttp = [...list, { id: 4, provider: "http", hint: "…9999", name: "crm" }];
    expect(credentialsFor(withHttp, undefined, "llm.chat").map((c) => c.id)).toEqual([1, 2, 3]);
    expect(credentialsFor(withHttp, "openai", "llm.chat").map((c) => c.id)).toEqual([1, 3]);
  });

  it("gives an HTTP request node only http credentials and a moderation node only OpenAI ones", () => {
    const withHttp = [...list, { id: 4, provider: "http", hint: "…9999", name: "crm" }];
    expect(credentialsFor(withHttp, undefined, "http.request").map((c) => c.id)).toEqual([4]);
    expect(credentialsFor(withHttp, "anthropic", "filter").map((c) => c.id)).toEqual([1, 3]);
  });
});
