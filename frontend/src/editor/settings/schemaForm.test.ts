import { describe, expect, it } from "vitest";
import type { JsonSchema } from "../../shared/api/types";
import { boundError, chosenProvider, coerce, defaultConfig, modelSuggestions, providerChoices, schemaToFields, templateVariables } from "./schemaForm";

// Shaped like pydantic v2's model_json_schema() output.
const llmSchema: JsonSchema = {
  title: "Config",
  type: "object",
  additionalProperties: false,
  $defs: {
    Provider: { enum: ["fake", "openai", "cohere", "anthropic"], title: "Provider", type: "string" },
    Branch: {
      type: "object",
      title: "Branch",
      properties: { name: { type: "string", title: "Name" }, when: { type: "string", title: "When" } },
      required: ["name", "when"],
    },
  },
  properties: {
    provider: { $ref: "#/$defs/Provider", default: "fake" },
    model: { type: "string", default: "fake-small", title: "Model" },
    temperature: { type: "number", minimum: 0, maximum: 2, default: 0.7, title: "Temperature" },
    max_tokens: { anyOf: [{ type: "integer", exclusiveMinimum: 0, maximum: 32000 }, { type: "null" }], default: null, title: "Max Tokens" },
    stream: { type: "boolean", default: true, title: "Stream" },
    prompt_template: { type: "string", title: "Prompt Template", "x-widget": "template" },
    system: { anyOf: [{ type: "string", maxLength: 200000 }, { type: "null" }], default: null, title: "System" },
    credential: { anyOf: [{ type: "string" }, { type: "null" }], default: null, title: "Credential", "x-widget": "credential" },
    branches: { type: "array", items: { $ref: "#/$defs/Branch" }, title: "Branches" },
    stop: { type: "array", items: { type: "string" }, default: [], title: "Stop" },
    extra: { type: "object", default: {}, title: "Extra" },
  },
  required: ["prompt_template", "branches"],
};

describe("schemaToFields", () => {
  const fields = Object.fromEntries(schemaToFields(llmSchema).map((f) => [f.name, f]));

  it("resolves $ref enums into selects", () => {
    expect(fields.provider.kind).toBe("select");
    expect(fields.provider.options!.map((o) => o.value)).toEqual(["fake", "openai", "cohere", "anthropic"]);
    expect(fields.provider.default).toBe("fake");
  });
  it("maps numbers with bounds, and unwraps optional integers", () => {
    expect(fields.temperature).toMatchObject({ kind: "number", min: 0, max: 2 });
    expect(fields.max_tokens).toMatchObject({ kind: "integer", nullable: true, min: 1, max: 32000 });
  });
  it("picks booleans, templates, textareas, credentials and json", () => {
    expect(fields.stream.kind).toBe("boolean");
    expect(fields.prompt_template).toMatchObject({ kind: "template", required: true });
    expect(fields.system).toMatchObject({ kind: "textarea", nullable: true });
    expect(fields.credential.kind).toBe("credential");
    expect(fields.model.kind).toBe("text");
    expect(fields.extra.kind).toBe("json");
  });
  it("maps arrays of objects to an editable list with item fields", () => {
    expect(fields.branches.kind).toBe("list");
    expect(fields.branches.itemFields!.map((f) => f.name)).toEqual(["name", "when"]);
    expect(fields.stop).toMatchObject({ kind: "list", itemFields: null, itemKind: "text" });
  });
  it("takes every widget from the schema's hints and types, never from field names", () => {
    const named = schemaToFields({
      type: "object",
      properties: {
        prompt: { type: "string" }, credential: { type: "string" }, description: { type: "string" }, provider: { type: "string" },
        body: { type: "string", "x-widget": "textarea" }, key: { type: "string", "x-widget": "credential", "x-credential-provider": "http" },
        vendor: { type: "string", "x-widget": "provider", "x-providers": "embeddings" },
      },
    });
    expect(named.map((f) => [f.name, f.kind])).toEqual([
      ["prompt", "text"], ["credential", "text"], ["description", "text"], ["provider", "text"],
      ["body", "textarea"], ["key", "credential"], ["vendor", "provider"],
    ]);
    expect(named[5].credentialProvider).toBe("http");
    expect(named[6].providers).toBe("embeddings");
  });
  it("keeps declaration order and labels", () => {
    expect(Object.keys(fields)[0]).toBe("provider");
    expect(fields.max_tokens.label).toBe("Max Tokens");
  });
});

describe("defaults, coercion and bounds", () => {
  it("builds a default config", () => {
    expect(defaultConfig(llmSchema)).toMatchObject({ provider: "fake", temperature: 0.7, stream: true, branches: [], prompt_template: "", stop: [] });
  });
  it("coerces numeric input and empties nullable fields to null", () => {
    const [, , temp, max] = schemaToFields(llmSchema);
    expect(coerce(temp, "1.5")).toBe(1.5);
    expect(coerce(max, "")).toBeNull();
    expect(coerce(max, "12")).toBe(12);
    expect(boundError(temp, 3)).toBe("At most 2");
    expect(boundError(max, 0)).toBe("At least 1");
    expect(boundError(temp, 1)).toBeNull();
  });
});

describe("templateVariables", () => {
  it("finds jinja variables, skipping loop locals", () => {
    expect(templateVariables("Summarize {{ text }} for {{user.name}}")).toEqual(["text", "user"]);
    expect(templateVariables("{% for c in chunks %}{{ c }} {{ loop.index }}{% endfor %}{{ question }}")).toEqual(["chunks", "question"]);
    expect(templateVariables("no vars")).toEqual([]);
  });
});

describe("modelSuggestions", () => {
  const providers = [
    { name: "openai", title: "OpenAI", chat: true, embeddings: true, chat_models: ["gpt-4.1", "gpt-4o-mini"], embedding_models: ["text-embedding-3-small"] },
    { name: "local", title: "Local", chat: false, embeddings: true, embedding_models: ["all-minilm-l6-v2", "minilm-static-256"] },
    { name: "openai_compatible", title: "Compatible", chat: true, embeddings: true, free_model: "true" },
  ];
  const schema: JsonSchema = {
    type: "object",
    properties: {
      provider: { type: "string", default: "openai" },
      model: { type: "string", "x-models": "embeddings" },
      chat_model: { type: "string", "x-models": "chat" },
      name: { type: "string" },
    },
  };
  const [, model, chatModel, name] = schemaToFields(schema);

  it("suggests the chosen provider's models of the field's kind", () => {
    expect(model.models).toBe("embeddings");
    expect(modelSuggestions(model, providers, "openai")).toEqual(["text-embedding-3-small"]);
    expect(modelSuggestions(chatModel, providers, "openai")).toEqual(["gpt-4.1", "gpt-4o-mini"]);
    expect(modelSuggestions(model, providers, "local")).toEqual(["all-minilm-l6-v2", "minilm-static-256"]);
  });

  it("suggests nothing for free-form providers, unknown providers and other fields", () => {
    expect(modelSuggestions(model, providers, "openai_compatible")).toEqual([]);
    expect(modelSuggestions(chatModel, providers, "local")).toEqual([]);
    expect(modelSuggestions(model, providers, "nope")).toEqual([]);
    expect(modelSuggestions(model, providers, undefined)).toEqual([]);
    expect(modelSuggestions(name, providers, "openai")).toEqual([]);
  });
});

describe("provider fields", () => {
  const providers = [
    { name: "openai", title: "OpenAI", chat: true, embeddings: true },
    { name: "local", title: "Local", chat: false, embeddings: true },
    { name: "anthropic", title: "Anthropic", chat: true, embeddings: false },
  ];
  const fields = schemaToFields({
    type: "object",
    properties: { vendor: { type: "string", default: "local", "x-widget": "provider", "x-providers": "embeddings" }, model: { type: "string", "x-widget": "model", "x-models": "embeddings" } },
  });

  it("offers the providers of the field's kind", () => {
    expect(providerChoices(fields[0], providers).map((p) => p.name)).toEqual(["openai", "local"]);
    const chat = schemaToFields({ type: "object", properties: { p: { type: "string", "x-widget": "provider", "x-providers": "chat" } } })[0];
    expect(providerChoices(chat, providers).map((p) => p.name)).toEqual(["openai", "anthropic"]);
  });

  it("reads the chosen provider from the provider field, whatever it is called", () => {
    expect(chosenProvider(fields, {})).toBe("local");
    expect(chosenProvider(fields, { vendor: "openai" })).toBe("openai");
    expect(chosenProvider(fields.slice(1), {}, "cohere")).toBe("cohere"); // no provider field: the node's
  });
});
