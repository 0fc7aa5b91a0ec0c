import { describe, expect, it } from "vitest";
import type { GraphDoc, NodeTypeSpec } from "../shared/api/types";
import { buildExperimentBody, currentValue, describeOverride, nextVariantName, overridableFields, overridableNodes, removeOverride, serverErrors, setOverride, type ExperimentDraft } from "./overrides";

const llmSpec = {
  type: "llm.chat", version: 1, title: "LLM chat", category: "llm", description: "", inputs: [], outputs: [], partial_inputs: false, dynamic_ports: false, traits: [],
  config_schema: { type: "object", properties: { provider: { type: "string", default: "fake" }, model: { type: "string", default: "fake-small" }, temperature: { anyOf: [{ type: "number" }, { type: "null" }], default: null } } },
} as NodeTypeSpec;
const ioSpec = (type: string) => ({ ...llmSpec, type, config_schema: { type: "object", properties: { name: { type: "string" } } } }) as NodeTypeSpec;
const byType = { "llm.chat": llmSpec, input: ioSpec("input"), output: ioSpec("output") };
const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, version: 1, label: "", config, position: { x: 0, y: 0 }, map: null });
const doc: GraphDoc = { schema: 1, nodes: [node("in", "input", { name: "question" }), node("llm1", "llm.chat", { model: "fake-small" }), node("out", "output", { name: "answer" })], edges: [] };

const draft = (p: Partial<ExperimentDraft> = {}): ExperimentDraft => ({
  name: "Models", dataset: "3", concurrency: 10, output: "answer", scorers: [{ kind: "exact" }],
  variants: [{ key: 1, name: "A", overrides: [] }, { key: 2, name: "B", overrides: [{ node: "llm1", field: "model", value: "fake-large" }] }],
  ...p,
});

describe("picking overrides from the canvas", () => {
  it("offers the node type's top-level config fields, not inputs or outputs", () => {
    expect(overridableFields(llmSpec).map((f) => f.name)).toEqual(["provider", "model", "temperature"]);
    expect(overridableNodes(doc, byType).map((n) => n.id)).toEqual(["llm1"]);
  });
  it("starts an override from the node's value, else the schema default", () => {
    const [, model, temperature] = overridableFields(llmSpec);
    expect(currentValue(doc.nodes[1], model)).toBe("fake-small");
    expect(currentValue(doc.nodes[1], temperature)).toBeNull();
  });
  it("keeps one override per node field", () => {
    let o = setOverride([], { node: "llm1", field: "model", value: "a" });
    o = setOverride(o, { node: "llm1", field: "temperature", value: 0.2 });
    o = setOverride(o, { node: "llm1", field: "model", value: "b" });
    expect(o).toEqual([{ node: "llm1", field: "model", value: "b" }, { node: "llm1", field: "temperature", value: 0.2 }]);
    expect(removeOverride(o, "llm1", "model")).toEqual([{ node: "llm1", field: "temperature", value: 0.2 }]);
  });
  it("describes an override by node title, id and a short value", () => {
    expect(describeOverride({ node: "llm1", field: "system", value: "x".repeat(60) }, doc, byType)).toBe(`LLM chat (llm1) · system = ${"x".repeat(39)}…`);
  });
  it("names variants A, B, C… skipping used names", () => {
    expect(nextVariantName([{ name: "A" }, { name: "C" }])).toBe("B");
  });
});

describe("buildExperimentBody", () => {
  it("builds the contract's body", () => {
    const { body, errors } = buildExperimentBody(draft({ scorers: [{ kind: "judge", provider: "fake", model: "fake-small", credential: null, rubric: "r" }] }), doc, byType);
    expect(errors).toEqual([]);
    expect(body).toEqual({
      name: "Models", dataset: 3, version: null, concurrency: 10, output: "answer",
      variants: [{ name: "A", overrides: [] }, { name: "B", overrides: [{ node: "llm1", field: "model", value: "fake-large" }] }],
      scorers: [{ kind: "judge", provider: "fake", model: "fake-small", rubric: "r" }],
    });
  });
  it("reports every problem at once, each on its field", () => {
    const { body, errors } = buildExperimentBody(draft({
      name: " ", dataset: "", concurrency: 0, output: "nope",
      variants: [{ key: 1, name: "A", overrides: [{ node: "gone", field: "model", value: 1 }] }, { key: 2, name: "A", overrides: [{ node: "llm1", field: "colour", value: 1 }] }],
      scorers: [{ kind: "regex", pattern: "(" }, { kind: "json_field", path: " " }],
    }), doc, byType);
    expect(body).toBeNull();
    expect(errors.map((e) => e.field)).toEqual(["name", "dataset", "concurrency", "output", "variants.0.overrides.0", "variants.1.name", "variants.1.overrides.0", "scorers.0", "scorers.1"]);
  });
  it("refuses fewer than two variants and two identical variants", () => {
    expect(buildExperimentBody(draft({ variants: [{ key: 1, name: "A", overrides: [] }] }), doc, byType).errors.map((e) => e.field)).toEqual(["variants"]);
    const twins = buildExperimentBody(draft({ variants: [{ key: 1, name: "A", overrides: [] }, { key: 2, name: "B", overrides: [] }] }), doc, byType);
    expect(twins.errors).toEqual([{ field: "variants.1", message: "Variant B is the same as A." }]);
  });
  it("refuses more than ten variants", () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ key: i, name: `V${i}`, overrides: [{ node: "llm1", field: "temperature", value: i / 10 }] }));
    expect(buildExperimentBody(draft({ variants: many }), doc, byType).errors.map((e) => e.field)).toEqual(["variants"]);
  });
});

describe("serverErrors", () => {
  it("reads the errors list naming variant, node and field", () => {
    expect(serverErrors({ errors: [{ variant: "B", node: "llm1", field: "temperature", message: "At most 2" }] })).toEqual(["B · llm1 · temperature: At most 2"]);
    expect(serverErrors({ name: ["This field is required."] })).toEqual(["name: This field is required."]);
  });
});
