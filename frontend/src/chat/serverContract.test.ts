/**
 * The chat playground and the run form read what the server published for the saved draft (the
 * `interface` of the draft save answer), not a rule of their own: here the server's word differs
 * from what the document alone would suggest, and the server's word is what they use.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { pipelinesApi } from "../pipelines/api";
import type { GraphDoc, GraphNode, PipelineInterface } from "../shared/api/types";
import { useSave } from "../editor/save/saveStore";
import { useGraph } from "../graph/graphStore";
import { runInputs, useInterface } from "../graph/runInputs";
import { chatRefusal, chatShape } from "./chatModel";

const node = (id: string, type: string, config: Record<string, unknown> = {}): GraphNode => ({
  id, type, version: 1, label: id, config, position: { x: 0, y: 0 }, map: null,
});

/** By its document alone this is a chat (a text input "message", an optional "tier", an output "reply"):
 * the playground's own rule chatted with it. */
const doc: GraphDoc = {
  schema: 1,
  nodes: [node("m", "input", { name: "message" }), node("k", "input", { name: "tier", required: false }), node("r", "output", { name: "reply" })],
  edges: [],
};

const published: PipelineInterface = {
  inputs: [
    { name: "message", type: "text", required: true, default: null, description: "", node: "m" },
    { name: "tier", type: "text", required: true, default: null, description: "", node: "k" },
  ],
  outputs: [{ name: "reply", node: "r" }],
  chat: { can_chat: false, reason: "Input “tier” needs a default: a chat only sends the message and the session.", details: { node: "k", input: "tier" } },
};

afterEach(() => {
  vi.restoreAllMocks();
  useInterface.getState().set(null, null);
});

async function saveDraft(iface: PipelineInterface | null) {
  vi.spyOn(pipelinesApi, "saveDraft").mockResolvedValue({ revision: 2, updated_at: "2026-01-01T00:00:00Z", updated_by: "alice", errors: [], interface: iface });
  useGraph.getState().load("7", "Helpdesk", doc);
  useSave.getState().load(1);
  useSave.getState().dispatch({ type: "edit" });
  await useSave.getState().saveNow();
}

describe("the published interface", () => {
  it("is what the playground reads after a draft save: the server's chat contract, with its reason", async () => {
    await saveDraft(published);
    expect(pipelinesApi.saveDraft).toHaveBeenCalledOnce();
    const chat = useInterface.getState().chat;
    expect(chatShape(chat)).toBeNull();
    expect(chatRefusal(chat)).toBe(published.chat.can_chat ? null : published.chat.reason);
  });

  it("gives the run form the server's inputs for the saved document, and the local reading for another", async () => {
    await saveDraft({ ...published, inputs: [{ ...published.inputs[0], description: "from the server" }] });
    expect(runInputs(doc).map((i) => [i.name, i.description])).toEqual([["message", "from the server"]]);
    const edited: GraphDoc = { ...doc, nodes: [...doc.nodes, node("n", "input", { name: "extra" })] };
    expect(runInputs(edited).map((i) => i.name)).toEqual(["message", "tier", "extra"]); // not answered for yet
  });

  it("cannot chat when the saved draft is not valid (the server publishes no interface)", async () => {
    useInterface.getState().set(doc, published);
    await saveDraft(null);
    expect(useInterface.getState().chat).toBeNull();
    expect(runInputs(doc).map((i) => [i.name, i.required])).toEqual([["message", true], ["tier", false]]);
  });
});
