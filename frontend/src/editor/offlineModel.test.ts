import { describe, expect, it } from "vitest";
import type { Catalog } from "../shared/api/types";
import { credentialsHref, usesOfflineModel } from "./offlineModel";
import fixture from "./paletteSearch.fixture.json";

const byType = Object.fromEntries((fixture as unknown as Catalog).node_types.map((t) => [t.type, t.config_schema]));

describe("usesOfflineModel", () => {
  it("says an llm.chat node on the offline or the fake provider runs no LLM", () => {
    expect(usesOfflineModel({ provider: "offline", model: "offline-extractive" }, byType["llm.chat"])).toBe(true);
    expect(usesOfflineModel({ provider: "fake" }, byType["llm.chat"])).toBe(true);
  });
  it("counts the schema's default provider when the config names none", () => {
    expect(usesOfflineModel({}, byType["router.classify"])).toBe(true);
  });
  it("does not label a real provider or a node without a provider field", () => {
    expect(usesOfflineModel({ provider: "openai", model: "gpt-4o-mini" }, byType["llm.chat"])).toBe(false);
    expect(usesOfflineModel({ provider: "local" }, byType["embed"])).toBe(false);
    expect(usesOfflineModel({ text: "fake" }, byType["text.constant"])).toBe(false);
  });
  it("works from the config alone on a trace page", () => {
    expect(usesOfflineModel({ provider: "offline" })).toBe(true);
    expect(usesOfflineModel({ model: "offline-extractive" })).toBe(true);
    expect(usesOfflineModel({ provider: "anthropic" })).toBe(false);
  });
});

describe("credentialsHref", () => {
  it("points at the workspace's credentials page", () => {
    expect(credentialsHref(12)).toBe("/workspaces/12/credentials/");
    expect(credentialsHref("3")).toBe("/workspaces/3/credentials/");
    expect(credentialsHref(null)).toBeNull();
  });
});
