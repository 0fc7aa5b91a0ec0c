import { describe, expect, it } from "vitest";
import { credentialsFor } from "./credentials";

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

  it("offers all of them while the node has no provider", () => {
    expect(credentialsFor(list, undefined)).toHaveLength(3);
    expect(credentialsFor(list, "")).toHaveLength(3);
  });
});
