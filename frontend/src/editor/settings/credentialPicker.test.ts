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
    expect(credentialsFor(withHttp, undefined).map((c) => c.id)).toEqual([1, 2, 3]);
    expect(credentialsFor(withHttp, "openai").map((c) => c.id)).toEqual([1, 3]);
  });

  it("gives a field that names its provider (x-credential-provider) only that provider's credentials", () => {
    const withHttp = [...list, { id: 4, provider: "http", hint: "…9999", name: "crm" }];
    expect(credentialsFor(withHttp, undefined, "http").map((c) => c.id)).toEqual([4]);
    expect(credentialsFor(withHttp, "anthropic", "openai").map((c) => c.id)).toEqual([1, 3]);
  });
});
