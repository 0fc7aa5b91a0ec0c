"""The server publishes a pipeline's run inputs and outputs (``interface``) in the validate
answer, the draft save answer and the pipeline detail, so the canvas need not re-derive them."""
from __future__ import annotations

from builder.graph_doc import GraphDoc


def graph() -> dict:
    g = GraphDoc()
    g.node("b_topic", "input", {"name": "topic", "type": "text", "description": "What about"})
    g.node("a_tone", "input", {"name": "tone", "type": "text", "default": "plain"})
    g.node("a_n", "input", {"name": "n", "type": "json", "required": False})
    g.node("tpl", "prompt.template", {"template": "{{ topic }} {{ tone }} {{ n }}"})
    g.node("out", "output", {})
    g.edge("b_topic", "value", "tpl", "topic")
    g.edge("a_tone", "value", "tpl", "tone")
    g.edge("a_n", "value", "tpl", "n")
    g.edge("tpl", "text", "out", "value")
    return g.doc()


WANT_INPUTS = [
    {"name": "topic", "type": "text", "required": True, "default": None, "description": "What about",
     "node": "b_topic"},
    {"name": "tone", "type": "text", "required": False, "default": "plain", "description": "", "node": "a_tone"},
    {"name": "n", "type": "json", "required": False, "default": None, "description": "", "node": "a_n"},
]


def test_the_validate_answer_publishes_the_run_inputs_and_outputs_in_document_order(as_user, pipeline):
    resp = as_user("alice").post(f"/api/pipelines/{pipeline.pk}/validate", {"graph": graph()}, format="json")
    assert resp.status_code == 200, resp.content
    iface = resp.json()["interface"]
    assert iface["inputs"] == WANT_INPUTS
    assert iface["outputs"] == [{"name": "result", "node": "out"}]
    assert iface["chat"] == {"can_chat": True, "message": "topic", "session": None, "answer": "result",
                             "stream_node": None, "memory": False}  # the other inputs are optional


def test_the_draft_save_and_the_detail_publish_it_and_an_invalid_draft_has_none(as_user, pipeline):
    alice = as_user("alice")
    saved = alice.put(f"/api/pipelines/{pipeline.pk}/draft", {"graph": graph(), "base_revision": pipeline.revision},
                      format="json").json()
    assert saved["interface"]["inputs"] == WANT_INPUTS
    assert alice.get(f"/api/pipelines/{pipeline.pk}").json()["interface"]["outputs"] == [{"name": "result",
                                                                                          "node": "out"}]
    broken = graph()
    broken["edges"] = broken["edges"][:1]  # tpl lacks inputs it needs
    saved = alice.put(f"/api/pipelines/{pipeline.pk}/draft", {"graph": broken, "base_revision": saved["revision"]},
                      format="json").json()
    assert saved["errors"] and saved["interface"] is None
    assert alice.get(f"/api/pipelines/{pipeline.pk}").json()["interface"] is None
    answer = alice.post(f"/api/pipelines/{pipeline.pk}/validate", {"graph": broken}, format="json").json()
    assert answer["valid"] is False and answer["interface"] is None
