"""The widget and the playground answer "can this pipeline chat, and how?" by one rule: the
widget's key creation and the ``chat`` of the pipeline's published interface agree."""
from __future__ import annotations

from typing import Any

import pytest

from builder.graph_doc import GraphDoc, transcript_summary
from builder.models import Pipeline, PipelineVersion, Workspace
from tests.teams.test_embed import chat_graph


def question_with_session_id() -> dict[str, Any]:
    """The playground chats with it (message "question", session "session_id"); the widget
    refused it, asking for a default on "session_id"."""
    g = GraphDoc()
    g.node("question", "input", {"name": "question", "type": "text"})
    g.node("sid", "input", {"name": "session_id", "type": "text"})
    g.node("history", "memory.load", {})
    g.node("llm", "llm.chat", {"provider": "fake", "model": "fake-small"})
    g.node("answer", "output", {"name": "answer"})
    g.edge("sid", "value", "history", "session")
    g.edge("history", "messages", "llm", "messages")
    g.edge("question", "value", "llm", "prompt")
    g.edge("llm", "text", "answer", "value")
    return g.doc()


def two_outputs() -> dict[str, Any]:
    """The playground answers with the first output; the widget refused two unnamed outputs."""
    g = GraphDoc()
    g.node("ask", "input", {"name": "ask", "type": "text"})
    g.node("llm", "llm.chat", {"provider": "fake", "model": "fake-small"})
    g.node("tpl", "prompt.template", {"template": "Sources: {{ x }}"})
    g.node("said", "output", {"name": "said"})
    g.node("sources", "output", {"name": "sources"})
    g.edge("ask", "value", "llm", "prompt")
    g.edge("llm", "text", "said", "value")
    g.edge("llm", "text", "tpl", "x")
    g.edge("tpl", "text", "sources", "value")
    return g.doc()


def required_extra() -> dict[str, Any]:
    g = chat_graph()
    g["nodes"].append({"id": "tier", "type": "input", "config": {"name": "tier", "type": "text"}})
    return g


def no_output() -> dict[str, Any]:
    g = chat_graph(memory=False)
    g["nodes"] = [n for n in g["nodes"] if n["type"] != "output"]
    g["edges"] = [e for e in g["edges"] if e["target"] != "reply"]
    return g


GRAPHS = {"chat": chat_graph(), "chat without memory": chat_graph(memory=False),
          "question and session_id": question_with_session_id(), "two outputs": two_outputs(),
          "map/reduce summary": transcript_summary(), "a required extra input": required_extra(),
          "no output": no_output(), "no text input": {"schema": 1, "nodes": [], "edges": []}}


def make_pipeline(users: dict[str, Any], graph: dict[str, Any]) -> Pipeline:
    p = Pipeline.objects.create(workspace=Workspace.personal_of(users["alice"]), name="Chat", draft=graph,
                                created_by=users["alice"], updated_by=users["alice"])
    PipelineVersion.objects.create(pipeline=p, number=1, graph=graph)
    return p


@pytest.mark.parametrize("name", list(GRAPHS))
def test_the_widget_makes_a_key_exactly_when_the_published_interface_says_the_pipeline_chats(as_user, users, name):
    alice = as_user("alice")
    p = make_pipeline(users, GRAPHS[name])
    chat = alice.get(f"/api/pipelines/{p.pk}").json()["interface"]["chat"]
    made = alice.post(f"/api/pipelines/{p.pk}/embed-keys", {"allowed_origins": ["https://a.io"]}, format="json")
    if chat["can_chat"]:
        assert made.status_code == 201, made.content
    else:
        assert made.status_code == 400 and made.json()["error"]["code"] == "not_a_chat", made.content
        assert made.json()["error"]["message"] == chat["reason"]


def test_the_widget_chats_with_a_pipeline_the_playground_chats_with(as_user, users):
    """Failed before: the widget asked for a default on "session_id", the playground chatted."""
    p = make_pipeline(users, question_with_session_id())
    made = as_user("alice").post(f"/api/pipelines/{p.pk}/embed-keys", {"allowed_origins": ["https://a.io"]},
                                 format="json")
    assert made.status_code == 201, made.content


def test_the_published_chat_contract_names_the_inputs_the_output_and_the_streaming_node(as_user, users):
    alice = as_user("alice")
    chats = {name: alice.get(f"/api/pipelines/{make_pipeline(users, g).pk}").json()["interface"]["chat"]
             for name, g in GRAPHS.items()}
    assert chats["chat"] == {"can_chat": True, "message": "message", "session": "session", "answer": "reply",
                             "stream_node": "llm", "memory": True}
    assert chats["question and session_id"] == {"can_chat": True, "message": "question", "session": "session_id",
                                                "answer": "answer", "stream_node": "llm", "memory": True}
    assert chats["two outputs"]["answer"] == "said" and chats["two outputs"]["stream_node"] == "llm"
    assert chats["map/reduce summary"]["stream_node"] == "reduce"  # the nearest LLM, not the mapped one
    assert chats["a required extra input"]["can_chat"] is False
    assert chats["a required extra input"]["details"] == {"node": "tier", "input": "tier"}
    assert "output" in chats["no output"]["reason"] and chats["chat without memory"]["session"] is None
