import { describe, expect, it } from "vitest";
import type { Catalog } from "../shared/api/types";
import { searchNodeTypes } from "./paletteSearch";
// The real GET /api/node-types answer of builder.palette.catalog(), saved for the test.
import fixture from "./paletteSearch.fixture.json";

const catalog = fixture as unknown as Catalog;
const found = (q: string) => searchNodeTypes(catalog, q).map((t) => t.type);

describe("searchNodeTypes", () => {
  it("finds every node type for a blank query", () => {
    expect(found("  ")).toHaveLength(catalog.node_types.length);
  });
  it("finds the model nodes by a provider's name or title", () => {
    expect(found("openai")).toEqual(expect.arrayContaining(["llm.chat", "embed", "router.classify"]));
    expect(found("anthropic")).toContain("llm.chat");
    expect(found("anthropic")).not.toContain("embed");
    expect(found("openai")).not.toContain("text.join");
  });
  it("finds nodes by a suggested model name", () => {
    const chatModel = catalog.providers.find((p) => p.name === "openai")!.chat_models![0];
    expect(found(chatModel)).toContain("llm.chat");
    expect(found("minilm")).toContain("embed");
    expect(found("minilm")).not.toContain("llm.chat");
  });
  it("finds the retrieval nodes for rag", () => {
    expect(found("rag")).toEqual(expect.arrayContaining(["embed", "vector.query", "vector.upsert"]));
    expect(found("rag")).not.toContain("http.request");
  });
  it("finds document.load for pdf and the chat and tool nodes for agent", () => {
    expect(found("pdf")).toEqual(["document.load"]);
    expect(found("agent")).toEqual(expect.arrayContaining(["llm.chat", "http.request"]));
  });
  it("finds by type id and category and needs every word", () => {
    expect(found("vector.query")).toEqual(["vector.query"]);
    expect(found("memory")).toEqual(expect.arrayContaining(["memory.load", "memory.save"]));
    expect(found("openai embeddings")).toContain("embed");
    expect(found("openai nosuchword")).toEqual([]);
  });
});
