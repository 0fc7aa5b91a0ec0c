import { describe, expect, it } from "vitest";
import type { GraphNode } from "../shared/api/types";
import { portsKey } from "./nodePorts";

const node = (extra: Partial<GraphNode> = {}): GraphNode => ({
  id: "t1", type: "prompt.template", version: 1, label: "", config: { template: "{{ a }}" }, position: { x: 0, y: 0 }, map: null, ...extra,
});

describe("what a node's ports depend on", () => {
  it("is its type, version and config, not where it sits or what it is called", () => {
    expect(portsKey(node({ label: "Ask", position: { x: 9, y: 9 }, id: "t2" }))).toBe(portsKey(node()));
    expect(portsKey(node({ config: { template: "{{ b }}" } }))).not.toBe(portsKey(node()));
    expect(portsKey(node({ version: 2 }))).not.toBe(portsKey(node()));
    expect(portsKey(node({ type: "router" }))).not.toBe(portsKey(node()));
  });
});
